import { ValidationProblem } from '../../common/errors/problem.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export function pageLimit(raw: string | undefined): number {
  return raw === undefined ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, Number(raw));
}

/** Keyset cursors: an opaque base64url of `<instant>|<id>`. */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(raw: string | undefined, idPattern: RegExp): { at: string; id: string } | null {
  if (raw === undefined) return null;
  const text = /^[A-Za-z0-9_-]+$/.test(raw) ? Buffer.from(raw, 'base64url').toString('utf8') : '';
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(.+)$/.exec(text);
  if (!match || !idPattern.test(match[2]) || Number.isNaN(Date.parse(match[1]))) {
    throw new ValidationProblem([{ field: 'cursor', message: 'cursor is not a cursor this list gave out' }]);
  }
  return { at: match[1], id: match[2] };
}

/** `to_char` of a timestamptz column in the cursor's format (UTC, microseconds). */
export const cursorAtSql = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
