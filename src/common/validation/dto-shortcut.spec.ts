import 'reflect-metadata';
import type { ArgumentMetadata } from '@nestjs/common';
import fc from 'fast-check';
import Fastify from 'fastify';
import { DocumentsQuery, SearchPatientsQuery } from '../../modules/patient-access/dto/patients-query.dto.js';
import { ValidateTokenDto } from '../../modules/tokens/dto/invitation.dto.js';
import { createValidationPipe } from '../errors/validation.js';
import { readByShortcut } from './dto-shortcut.js';

// The shortcuts are only sound while each is stricter than its DTO's decorators: whatever a shortcut
// reads, the full pipe (class-transformer + class-validator, no shortcuts) must read the same.
const fullPipe = createValidationPipe({ shortcuts: false });
const pipe = createValidationPipe();

type Dto = new () => object;

/** A copy of generated input (structuredClone would make its objects in another realm under Jest). */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value) as object | null;
  const out = (
    proto === null
      ? Object.create(null)
      : proto === Object.prototype
        ? {}
        : Object.create(Object.create(null))
  ) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[k] = copy(v);
  return out;
}

async function full(
  metatype: Dto,
  type: ArgumentMetadata['type'],
  value: unknown,
): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: await fullPipe.transform(copy(value), { type, metatype, data: undefined }) };
  } catch {
    return { ok: false };
  }
}

/** Text a client may send: short and long, ASCII and not, spaces, digits, control characters, lone surrogates, NULs. */
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^ {0,2}[A-Z0-9]{0,70} {0,2}$/),
  fc.stringMatching(/^\d{1,4}$/),
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}\n?$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{0,10}$/),
  // Around every length bound of the DTOs (32, 64, 100, 256, 500), with and without padding.
  fc
    .tuple(
      fc.constantFrom(0, 1, 31, 32, 33, 63, 64, 65, 99, 100, 101, 255, 256, 257, 499, 500, 501),
      fc.constantFrom('', ' '),
    )
    .map(([n, pad]) => `${pad}${'M'.repeat(n)}${pad}`),
  fc.string({
    minLength: 250,
    maxLength: 520,
    unit: fc.constantFrom('a', 'B', '_', '-', ' ', '\ufe0f', '\ud83d\ude00'),
  }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    'x\udc00',
    '\ufe0f',
    '👩‍⚕️',
    'note',
    'result',
    'lab',
    'MRN0012345',
    '0',
    '201',
    '200',
    '1',
    '+5',
    '5.0',
  ),
);
const anyValue = fc.oneof(
  { weight: 6, arbitrary: text },
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(text, { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), text, { maxKeys: 2 }),
);

function inputs(fields: string[]) {
  const key = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...fields) },
    fc.constantFrom('constructor', '__proto__', 'toString', 'extra', 'Mrn'),
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.dictionary(key, anyValue, { maxKeys: 4 }) },
    // Every field present with text: the shape of a required-fields body.
    {
      weight: 4,
      arbitrary: fc
        .tuple(...fields.map(() => text))
        .map((values) => Object.fromEntries(fields.map((f, i) => [f, values[i]]))),
    },
    fc.dictionary(key, anyValue, { maxKeys: 3 }).map((o) => Object.assign(Object.create(null) as object, o)),
    // The shape of Fastify's parsed query strings: an empty prototype without a prototype.
    fc
      .dictionary(key, text, { maxKeys: 3 })
      .map((o) => Object.assign(Object.create(Object.create(null) as object) as object, o)),
    fc.constantFrom(null, undefined, 'x', 1, [], [{}]),
  );
}

const CASES: Array<{ dto: Dto; type: ArgumentMetadata['type']; fields: string[]; typical: unknown[] }> = [
  {
    dto: SearchPatientsQuery,
    type: 'query',
    fields: ['mrn', 'lastName', 'firstName', 'dob'],
    typical: [{ mrn: 'MRN0012345' }, { lastName: 'Martínez', firstName: 'Zoë', dob: '2016-03-14' }],
  },
  {
    dto: DocumentsQuery,
    type: 'query',
    fields: ['limit', 'cursor', 'category'],
    typical: [
      {},
      { limit: '20' },
      { cursor: '', category: 'result' },
      { limit: '200', cursor: 'eyJhIjoxfQ' },
    ],
  },
  {
    dto: ValidateTokenDto,
    type: 'body',
    fields: ['token', 'mrn'],
    typical: [
      { token: 'inv_abcdefghijklmnopqrstuvwxyz0123456789', mrn: 'MRN0012345' },
      { token: '  t ', mrn: ' M ' },
    ],
  },
];

describe.each(CASES)('the $dto.name shortcut', ({ dto, type, fields, typical }) => {
  it('reads what the full pipe reads, into the same instance, and nothing it refuses', async () => {
    let read = 0;
    await fc.assert(
      fc.asyncProperty(inputs(fields), async (value) => {
        const fast = readByShortcut(dto, copy(value));
        if (fast === undefined) return;
        read++;
        const slow = await full(dto, type, value);
        expect(slow).toStrictEqual({ ok: true, value: fast });
        expect(fast).toBeInstanceOf(dto);
      }),
      { numRuns: 3000 },
    );
    // Generated input reaches the shortcut often enough for the check above to mean something.
    expect(read).toBeGreaterThan(100);
  });

  it('takes the routes’ typical input, through the global pipe, as the full pipe does', async () => {
    for (const value of typical) {
      expect(readByShortcut(dto, copy(value))).toBeInstanceOf(dto);
      const slow = await full(dto, type, value);
      expect(slow.ok).toBe(true);
      expect(await pipe.transform(copy(value), { type, metatype: dto, data: undefined })).toStrictEqual(
        (slow as { value: unknown }).value,
      );
    }
  });
});

/** `request.query` as Fastify (the app's HTTP platform) parses the query string `search`. */
async function fastifyQuery(search: string): Promise<unknown> {
  const server = Fastify();
  let query: unknown;
  server.get('/q', (request, reply) => {
    query = request.query;
    return reply.send('ok');
  });
  await server.inject({ method: 'GET', url: `/q?${search}` });
  await server.close();
  return query;
}

describe('readByShortcut', () => {
  it('reads the query objects Fastify parses, so every search and documents request takes its shortcut', async () => {
    const search = readByShortcut(SearchPatientsQuery, await fastifyQuery('mrn=MRN0012345'));
    expect(search).toBeInstanceOf(SearchPatientsQuery);
    expect(search).toEqual({ mrn: 'MRN0012345' });
    const documents = readByShortcut(DocumentsQuery, await fastifyQuery('limit=20&category=result'));
    expect(documents).toBeInstanceOf(DocumentsQuery);
    expect(readByShortcut(DocumentsQuery, await fastifyQuery(''))).toBeInstanceOf(DocumentsQuery);
    // A repeated key parses to an array: the full pipe decides.
    expect(readByShortcut(SearchPatientsQuery, await fastifyQuery('mrn=A&mrn=B'))).toBeUndefined();
  });

  it('leaves other classes, non-plain objects, unknown keys and non-text values to the full pipe', () => {
    class Other {
      mrn?: string;
    }
    expect(readByShortcut(Other, { mrn: 'M' })).toBeUndefined();
    expect(readByShortcut(SearchPatientsQuery, new (class {})())).toBeUndefined();
    const inherited = Object.create(Object.create(null, { mrn: { value: 'M', enumerable: true } }) as object);
    expect(
      readByShortcut(SearchPatientsQuery, Object.assign(inherited as object, { lastName: 'X' })),
    ).toBeUndefined();
    expect(readByShortcut(SearchPatientsQuery, { mrn: 'M', extra: 'x' })).toBeUndefined();
    expect(readByShortcut(SearchPatientsQuery, { mrn: ['M', 'N'] })).toBeUndefined();
    expect(readByShortcut(SearchPatientsQuery, { mrn: 'M\u0000' })).toBeUndefined();
    expect(readByShortcut(SearchPatientsQuery, { mrn: 'M\ud800' })).toBeUndefined();
    expect(readByShortcut(SearchPatientsQuery, { mrn: 'M'.repeat(33) })).toBeUndefined();
    expect(readByShortcut(ValidateTokenDto, { token: 't' })).toBeUndefined();
    expect(readByShortcut(ValidateTokenDto, { token: ' ', mrn: 'M' })).toBeUndefined();
  });

  it('refuses what Fastify parses from a bad query exactly as the full pipe does (the path every request now takes)', async () => {
    for (const [metatype, search] of [
      [SearchPatientsQuery, `mrn=${'M'.repeat(33)}`],
      [SearchPatientsQuery, 'mrn=M&extra=x'],
      [SearchPatientsQuery, 'mrn=A&mrn=B'],
      [SearchPatientsQuery, 'dob=2016-3-14'],
      [DocumentsQuery, 'limit=201'],
      [DocumentsQuery, 'category=bogus'],
      [DocumentsQuery, 'limit=20&limit=30'],
    ] as const) {
      const meta = { type: 'query' as const, metatype, data: undefined };
      const expected = await fullPipe.transform(await fastifyQuery(search), meta).catch((e: unknown) => e);
      expect(expected).toMatchObject({ errors: expect.any(Array) });
      await expect(pipe.transform(await fastifyQuery(search), meta)).rejects.toStrictEqual(expected);
    }
  });

  it('keeps the full pipe’s refusals: the same validation_failed problem with and without shortcuts', async () => {
    const meta = { type: 'query' as const, metatype: SearchPatientsQuery, data: undefined };
    for (const value of [
      { mrn: 'M'.repeat(33) },
      { mrn: 'M', extra: 'x' },
      { dob: '2016-3-14' },
      { mrn: 'M\u0000' },
    ]) {
      const expected = await fullPipe.transform(value, meta).catch((e: unknown) => e);
      expect(expected).toMatchObject({ errors: expect.any(Array) });
      await expect(pipe.transform(value, meta)).rejects.toStrictEqual(expected);
    }
  });
});
