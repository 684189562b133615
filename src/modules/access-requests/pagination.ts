import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import { badRequest } from '../../common/errors/problem.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** `?limit=&cursor=` as API.md defines them (limit 1–200, default 50; cursor opaque). */
export class PageQueryDto {
  @ApiPropertyOptional({ description: `1–${MAX_LIMIT}, default ${DEFAULT_LIMIT}` })
  @IsOptional()
  @Matches(/^[1-9]\d{0,2}$/, { message: 'limit must be a whole number from 1 to 200' })
  limit?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not valid' })
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Keyset {
  /** ISO instant with microseconds preserved as text. */
  at: string;
  id: string;
}

export function pageLimit(q: PageQueryDto): number {
  const n = q.limit ? Number(q.limit) : DEFAULT_LIMIT;
  if (n > MAX_LIMIT) throw badRequest('validation_failed', 'limit is too large.', { errors: [{ field: 'limit', message: 'limit must be a whole number from 1 to 200' }] });
  return n;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string | undefined): Keyset | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Keyset>;
    if (typeof parsed.at === 'string' && typeof parsed.id === 'string' && UUID_RE.test(parsed.id) && !Number.isNaN(Date.parse(parsed.at))) {
      return { at: parsed.at, id: parsed.id };
    }
  } catch {
    // fall through
  }
  throw badRequest('validation_failed', 'cursor is not valid.', { errors: [{ field: 'cursor', message: 'cursor is not valid' }] });
}

export function encodeCursor(k: Keyset): string {
  return Buffer.from(JSON.stringify(k), 'utf8').toString('base64url');
}

/**
 * Rows fetched with `LIMIT limit + 1`, ordered by (sort key DESC, id DESC); each row carries
 * `cursorAt` (the sort key as full-precision text).
 */
export function toPage<R extends { cursorAt: string; id: string }, T>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  const last = slice[slice.length - 1];
  return { items: slice.map(map), nextCursor: more && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null };
}
