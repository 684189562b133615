import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy, type ValidationOptions } from 'class-validator';
import { CURSOR_MESSAGE, DEFAULT_LIMIT, LIMIT_MESSAGE, MAX_CURSOR_LENGTH, MAX_LIMIT } from './cursor.js';

/** `?limit=`: a whole number 1–200 (query text is converted here); one error message. */
export function IsPageLimit(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isPageLimit',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_LIMIT,
        defaultMessage: () => LIMIT_MESSAGE,
      },
    },
    options,
  );
}

/** `?cursor=`: base64url text of sane length (its content is checked by `decodeCursor`). */
export function IsCursorText(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isCursorText',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && value.length <= MAX_CURSOR_LENGTH && /^[A-Za-z0-9_-]+$/.test(value),
        defaultMessage: () => CURSOR_MESSAGE,
      },
    },
    options,
  );
}

/** Query text of digits to a number; anything else is left for the validator to refuse. */
export const toLimitNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

/**
 * `?limit=&cursor=` as API.md defines them. Every list's query DTO extends this; the service
 * then calls `pageLimit(q.limit)` and `decodeCursor(q.cursor, shape)`.
 */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })
  @IsOptional()
  @Transform(toLimitNumber)
  @IsPageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (empty: the first page)' })
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsCursorText()
  cursor?: string;
}
