import { UUID_PATTERN } from '../validation/uuid.js';
import { ValidationProblem } from '../errors/problem.js';

/**
 * Keyset pagination, one implementation for every list (API.md: `{ items, nextCursor }`,
 * `?limit=` default 50, max 200, `?cursor=`).
 *
 * A cursor is the opaque base64url of a JSON array of the last row's sort key parts, e.g.
 * `[createdAt, id]` or, for a compound keyset, `[now, late, dueAt, id]`. Timestamps go in as
 * full-precision text (`cursorAtSql`), so rows created within the same millisecond are neither
 * skipped nor repeated. A cursor that is not one this API gave out is a 400 `validation_failed`
 * naming the field `cursor`; a bad `limit` the same naming `limit`. Never a 500.
 */

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
/** Longest `?cursor=` accepted; the longest cursor handed out today is about 130 characters. */
export const MAX_CURSOR_LENGTH = 500;

export const LIMIT_MESSAGE = `limit must be a whole number from 1 to ${MAX_LIMIT}`;
export const CURSOR_MESSAGE = 'cursor is not a cursor this list gave out; start again from the first page';

export type CursorPart = string | number | boolean;

/**
 * What one part of a cursor must be:
 * - `instant`: ISO 8601 UTC instant `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (up to microseconds), a real date;
 * - `uuid`; `boolean`; `integer` (a safe integer);
 * - `bigint`: a non-negative PostgreSQL bigint as decimal text (ids of bigserial tables).
 */
export type CursorPartKind = 'instant' | 'uuid' | 'boolean' | 'integer' | 'bigint';

type PartType<K> = K extends 'boolean' ? boolean : K extends 'integer' ? number : string;
export type DecodedCursor<S extends readonly CursorPartKind[]> = { -readonly [I in keyof S]: PartType<S[I]> };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/;
const BIGINT_MAX = 9223372036854775807n;

export const invalidCursor = () => new ValidationProblem([{ field: 'cursor', message: CURSOR_MESSAGE }]);
export const invalidLimit = () => new ValidationProblem([{ field: 'limit', message: LIMIT_MESSAGE }]);

/** True for a `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` instant PostgreSQL accepts as it is (no Feb 30, no year 0). */
export function isCursorInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = INSTANT.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return y >= 1 && days !== undefined && d >= 1 && d <= days && h <= 23 && mi <= 59 && s <= 59;
}

function partMatches(kind: CursorPartKind, value: unknown): boolean {
  switch (kind) {
    case 'instant':
      return isCursorInstant(value);
    case 'uuid':
      return typeof value === 'string' && UUID_PATTERN.test(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'bigint':
      return typeof value === 'string' && /^(0|[1-9]\d{0,18})$/.test(value) && BigInt(value) <= BIGINT_MAX;
  }
}

/** The opaque cursor of one row's sort key parts. */
export function encodeCursor(parts: readonly CursorPart[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/**
 * Decodes `?cursor=` into its parts, checked against `shape` (one kind per part, in order).
 * No cursor (absent or empty) is `null`: the first page. Anything else that is not a cursor of
 * this shape throws 400 `validation_failed` with `errors: [{ field: 'cursor', … }]`.
 */
export function decodeCursor<const S extends readonly CursorPartKind[]>(
  raw: string | null | undefined,
  shape: S,
): DecodedCursor<S> | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string' || raw.length > MAX_CURSOR_LENGTH || !BASE64URL.test(raw))
    throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length) throw invalidCursor();
  const parts: unknown[] = parsed;
  if (!shape.every((kind, i) => partMatches(kind, parts[i]))) throw invalidCursor();
  return parts as DecodedCursor<S>;
}

/** The page size: `?limit=` (already a number after the DTO) or the default; out of range is a 400. */
export function pageLimit(limit: number | null | undefined): number {
  if (limit === undefined || limit === null) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalidLimit();
  return limit;
}

/**
 * Cuts rows fetched with `LIMIT limit + 1` (in the list's order) to a page; `nextCursor` is the
 * cursor of the page's last row when there is a further row, else null.
 */
export function toPage<R>(
  rows: readonly R[],
  limit: number,
  cursorOf: (row: R) => readonly CursorPart[],
): Page<R> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}

/**
 * SQL for a timestamptz column as the cursor's full-precision text (UTC, microseconds), e.g.
 * `SELECT …, ${cursorAtSql('r.created_at')} AS "cursorAt"`. Compare it back as `$n::timestamptz`.
 */
export const cursorAtSql = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
