import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy, type ValidationOptions } from 'class-validator';
import { type FieldReader, UNSURE } from '../validation/dto-shortcut.js';
import { CURSOR_MESSAGE, DEFAULT_LIMIT, LIMIT_MESSAGE, MAX_CURSOR_LENGTH, MAX_LIMIT } from './cursor.js';

/** A page size this API takes: a whole number 1–200. */
export const isPageLimit = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_LIMIT;

/** Cursor text: base64url of sane length (its content is checked by `decodeCursor`). */
export const isCursorText = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_CURSOR_LENGTH && /^[A-Za-z0-9_-]+$/.test(value);

/** `?limit=`: a whole number 1–200 (query text is converted here); one error message. */
export function IsPageLimit(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isPageLimit',
      validator: {
        validate: isPageLimit,
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
        validate: isCursorText,
        defaultMessage: () => CURSOR_MESSAGE,
      },
    },
    options,
  );
}

/** Query text of digits to a number; anything else is left for the validator to refuse. */
export const toLimitNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

/** `?cursor=` empty means the first page. */
export const emptyCursorAsNone = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

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
  @Transform(emptyCursorAsNone)
  @IsOptional()
  @IsCursorText()
  cursor?: string;
}

/**
 * The shortcut readers of `limit` and `cursor` (common/validation/dto-shortcut.ts) for a DTO that
 * extends PageQueryDto: the same transforms and checks as the decorators above, on query text.
 */
export const PAGE_QUERY_READERS = {
  limit: (text: string) => {
    const limit = toLimitNumber({ value: text });
    return isPageLimit(limit) ? limit : UNSURE;
  },
  cursor: (text: string) => {
    const cursor = emptyCursorAsNone({ value: text });
    return cursor === undefined || isCursorText(cursor) ? cursor : UNSURE;
  },
} satisfies Record<keyof PageQueryDto, FieldReader>;
