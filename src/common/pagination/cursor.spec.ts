import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ValidationProblem } from '../errors/problem.js';
import {
  cursorAtSql,
  decodeCursor,
  encodeCursor,
  isCursorInstant,
  MAX_LIMIT,
  pageLimit,
  toPage,
} from './cursor.js';
import { PageQueryDto } from './page-query.dto.js';

const ID = '0b6f3c1e-2a4d-4f8e-9c1b-7d5e3a2f1c0b';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** The thrown problem's code and fields, or null when nothing was thrown. */
function problemOf(fn: () => unknown): { code: string; fields: string[] } | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (!(error instanceof ValidationProblem)) throw error;
    return { code: error.code, fields: error.errors.map((e) => e.field) };
  }
}

describe('encodeCursor / decodeCursor', () => {
  it('round-trips a [createdAt, id] cursor and keeps microseconds exactly', () => {
    const at = '2026-03-14T09:26:53.589793Z';
    const cursor = encodeCursor([at, ID]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, ['instant', 'uuid'])).toEqual([at, ID]);
  });

  it('keeps two instants of the same millisecond apart (no skipped or repeated rows)', () => {
    const a = encodeCursor(['2026-03-14T09:26:53.589001Z', ID]);
    const b = encodeCursor(['2026-03-14T09:26:53.589999Z', ID]);
    expect(a).not.toBe(b);
    expect(decodeCursor(a, ['instant', 'uuid'])?.[0]).toBe('2026-03-14T09:26:53.589001Z');
    expect(decodeCursor(b, ['instant', 'uuid'])?.[0]).toBe('2026-03-14T09:26:53.589999Z');
  });

  it('round-trips a compound keyset with booleans, integers and bigint ids', () => {
    const parts = ['2026-11-23T15:00:00.000Z', true, '2026-11-20T14:59:59.123456Z', ID] as const;
    expect(decodeCursor(encodeCursor(parts), ['instant', 'boolean', 'instant', 'uuid'])).toEqual([...parts]);
    expect(
      decodeCursor(encodeCursor([false, 42, '9223372036854775807']), ['boolean', 'integer', 'bigint']),
    ).toEqual([false, 42, '9223372036854775807']);
  });

  it('reads no cursor (absent or empty) as the first page', () => {
    expect(decodeCursor(undefined, ['instant', 'uuid'])).toBeNull();
    expect(decodeCursor(null, ['instant', 'uuid'])).toBeNull();
    expect(decodeCursor('', ['instant', 'uuid'])).toBeNull();
  });

  it.each([
    ['not base64url', 'bad!cursor'],
    ['not JSON', b64('garbage')],
    ['an object, not an array', b64(JSON.stringify({ at: '2026-03-14T09:26:53.589793Z', id: ID }))],
    ['too few parts', encodeCursor(['2026-03-14T09:26:53.589793Z'])],
    ['too many parts', encodeCursor(['2026-03-14T09:26:53.589793Z', ID, ID])],
    ['parts swapped', encodeCursor([ID, '2026-03-14T09:26:53.589793Z'])],
    ['an id that is not a UUID', encodeCursor(['2026-03-14T09:26:53.589793Z', "1' OR 1=1 --"])],
    ['an instant without a zone', encodeCursor(['2026-03-14T09:26:53.589793', ID])],
    ['an instant with an offset', encodeCursor(['2026-03-14T09:26:53.589793+01:00', ID])],
    ['nanoseconds', encodeCursor(['2026-03-14T09:26:53.589793238Z', ID])],
    ['February 30th', encodeCursor(['2026-02-30T00:00:00.000000Z', ID])],
    ['February 29th of a common year', encodeCursor(['2100-02-29T00:00:00.000000Z', ID])],
    ['year zero', encodeCursor(['0000-01-01T00:00:00.000000Z', ID])],
    ['hour 24', encodeCursor(['2026-03-14T24:00:00.000000Z', ID])],
    ['a number for the instant', encodeCursor([1773480413589, ID])],
    ['over the length limit', 'A'.repeat(501)],
  ])('refuses a tampered cursor: %s, as validation_failed on cursor', (_what, raw) => {
    expect(problemOf(() => decodeCursor(raw, ['instant', 'uuid']))).toEqual({
      code: 'validation_failed',
      fields: ['cursor'],
    });
  });

  it('refuses parts of the wrong kind in a compound keyset', () => {
    const shape = ['instant', 'boolean', 'instant', 'uuid'] as const;
    expect(
      problemOf(() =>
        decodeCursor(encodeCursor(['2026-11-23T15:00:00.000Z', 1, '2026-11-20T14:59:59Z', ID]), shape),
      ),
    ).toEqual({
      code: 'validation_failed',
      fields: ['cursor'],
    });
    for (const bad of ['9223372036854775808', '-1', '01', '1.5', '']) {
      expect(
        problemOf(() => decodeCursor(encodeCursor(['2026-01-01T00:00:00Z', bad]), ['instant', 'bigint']))
          ?.fields,
      ).toEqual(['cursor']);
    }
    expect(problemOf(() => decodeCursor(encodeCursor([1.5]), ['integer']))?.fields).toEqual(['cursor']);
  });

  it('accepts a leap day and instants with fewer fraction digits', () => {
    expect(isCursorInstant('2024-02-29T23:59:59.999999Z')).toBe(true);
    expect(isCursorInstant('2000-02-29T00:00:00Z')).toBe(true);
    expect(isCursorInstant('2026-11-23T15:00:00.5Z')).toBe(true);
  });
});

describe('pageLimit', () => {
  it('defaults to 50 and passes 1..200 through', () => {
    expect(pageLimit(undefined)).toBe(50);
    expect(pageLimit(1)).toBe(1);
    expect(pageLimit(MAX_LIMIT)).toBe(200);
  });
  it.each([0, -1, 201, 1.5, Number.NaN])('refuses %p as validation_failed on limit', (n) => {
    expect(problemOf(() => pageLimit(n))).toEqual({ code: 'validation_failed', fields: ['limit'] });
  });
});

describe('toPage', () => {
  const rows = [1, 2, 3].map((n) => ({ id: `id${n}`, at: `2026-01-0${n}T00:00:00.00000${n}Z` }));
  it('gives the cursor of the last item when there is a further row', () => {
    const page = toPage(rows, 2, (r) => [r.at, r.id]);
    expect(page.items).toEqual(rows.slice(0, 2));
    expect(JSON.parse(Buffer.from(page.nextCursor ?? '', 'base64url').toString('utf8'))).toEqual([
      rows[1].at,
      'id2',
    ]);
  });
  it('gives null when the rows end on this page', () => {
    expect(toPage(rows, 3, (r) => [r.at, r.id])).toEqual({ items: rows, nextCursor: null });
    expect(toPage([], 3, () => [])).toEqual({ items: [], nextCursor: null });
  });
});

describe('cursorAtSql', () => {
  it('renders a timestamptz column as UTC text with microseconds', () => {
    expect(cursorAtSql('r.created_at')).toBe(
      `to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    );
  });
});

describe('PageQueryDto', () => {
  const check = (query: Record<string, unknown>) => {
    const dto = plainToInstance(PageQueryDto, query);
    return {
      dto,
      fields: validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property),
    };
  };
  it('converts ?limit= text to a number and accepts a cursor', () => {
    const { dto, fields } = check({ limit: '25', cursor: encodeCursor(['2026-01-01T00:00:00.000001Z', ID]) });
    expect(fields).toEqual([]);
    expect(dto.limit).toBe(25);
  });
  it('treats an empty cursor as none', () => {
    const { dto, fields } = check({ cursor: '' });
    expect(fields).toEqual([]);
    expect(dto.cursor).toBeUndefined();
  });
  it.each(['0', '201', 'abc', '1.5', '-3', '', ' 5', '1e2'])(
    'refuses limit=%p with one error on limit',
    (limit) => {
      const dto = plainToInstance(PageQueryDto, { limit });
      const errors = validateSync(dto);
      expect(errors.map((e) => [e.property, Object.keys(e.constraints ?? {}).length])).toEqual([
        ['limit', 1],
      ]);
    },
  );
  it.each(['%%%', 'bad!', ['a', 'b']])('refuses cursor=%p', (cursor) => {
    expect(check({ cursor }).fields).toEqual(['cursor']);
  });
});
