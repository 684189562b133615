import fc from 'fast-check';
import type { RouteInfo, Schema } from './routes.js';
import { sampleObject, sampleValue, type SampleContext } from './samples.js';

/** Strings attackers and broken clients send. */
const NASTY_STRINGS = [
  '',
  ' ',
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  '1; SELECT pg_sleep(10)',
  '%',
  '_',
  '\\',
  '\u0000',
  'a\u0000b',
  '../../etc/passwd',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  '{{constructor.constructor("return process")()}}',
  '${7*7}',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '99999999999999999999999',
  '1e309',
  '2026-02-30',
  '9999-12-31',
  '0000-00-00',
  '2026-13-01T25:61:00Z',
  'null',
  'undefined',
  'true',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '\ud800',
  '\uffff',
  '👩‍⚕️🧒🏽',
  'Ǆ̴̡̛̟͇̣͈̦͕̥̮̈́̓͒͊͌̀͘͘ͅ',
  'ＭＲＮ１２３',
  'a'.repeat(300),
  'x'.repeat(70_000),
];

/** Path segments sent as they are (not percent-encoded by the test): broken escapes, traversal. */
export const RAW_PREFIX = 'RAW:';
const RAW_PATH_SEGMENTS = [
  '%E0%A4%A',
  '%ZZ',
  '%00',
  '%ED%A0%80',
  '..%2F..%2Fhealth',
  '%2e%2e',
  'a%20b',
  '%F0%9F%98',
  ';jsessionid=1',
].map((s) => RAW_PREFIX + s);

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Any JSON value, with strings from the nasty list and the whole of unicode. */
export const junkValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NASTY_STRINGS),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e308, -1),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PROTO_KEYS)), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

/** A value of roughly the right type generated from the schema, with arbitrary content. */
function fromSchema(name: string, schema: Schema | undefined, ctx: SampleContext): fc.Arbitrary<unknown> {
  const s = schema ?? {};
  if (s.enum?.length) return fc.oneof(fc.constantFrom(...s.enum), fc.string({ maxLength: 12 }));
  switch (s.type) {
    case 'array':
      return fc.array(fromSchema(name, s.items, ctx), { maxLength: 6 });
    case 'object':
      return bodyFromSchema(s, ctx);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return fc.oneof(fc.integer({ min: -10, max: 1000 }), fc.integer());
    default:
      return fc.oneof(
        fc.constant(sampleValue(name, s, ctx)),
        fc.string({ maxLength: (s.maxLength ?? 60) + 2 }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.constantFrom(...NASTY_STRINGS),
      );
  }
}

function bodyFromSchema(schema: Schema, ctx: SampleContext): fc.Arbitrary<Record<string, unknown>> {
  const props = schema.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, prop] of Object.entries(props)) model[key] = fromSchema(key, prop, ctx);
  return fc.record(model, { requiredKeys: [] });
}

/** Raw JSON text with a key JSON.stringify would not write (`__proto__` as an own key). */
function withKey(body: Record<string, unknown>, key: string, value: unknown): string {
  const rest = JSON.stringify(body).slice(1);
  return `{${JSON.stringify(key)}:${JSON.stringify(value)}${rest === '}' ? '}' : `,${rest}`}`;
}

export interface FuzzRequest {
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  /** Raw body text (sent as application/json unless contentType says otherwise), or undefined. */
  body?: string;
  contentType?: string;
  label: string;
  /** The body is broken on purpose in a way the route must refuse (a 4xx): see `isLabelledBad`. */
  bad?: boolean;
  /** The method, for an `@All` route (every method is fuzzed); otherwise the route's own. */
  method?: string;
}

/** Did the generator break this request's body on purpose, so that the route must answer 4xx? */
export function isLabelledBad(_route: RouteInfo, r: FuzzRequest): boolean {
  return r.bad === true;
}

/**
 * Requests for one route: mostly well-formed enough to reach validation and the code behind it,
 * with one or more parts broken: bodies (valid with a field mutated, missing, extra, prototype
 * keys, wrong top-level type, malformed JSON, huge), path parameters and query strings.
 */
export function requestArb(
  route: RouteInfo,
  ctx: SampleContext,
  validParams: Record<string, string>,
): fc.Arbitrary<FuzzRequest> {
  const pathParams = route.params.filter((p) => p.in === 'path');
  const queryParams = route.params.filter((p) => p.in === 'query');
  const valid = route.body ? sampleObject(route.body, ctx) : {};
  const fields = Object.keys(route.body?.properties ?? {});
  const hasBody = route.body !== undefined;
  const required = (route.body?.required ?? []).length > 0;
  /** A string field that cannot take 200,000 characters (every one should say how long it may be). */
  const boundedField = (f: string) => {
    const prop = route.body?.properties?.[f];
    return !prop || prop.type !== 'string' || prop.maxLength === undefined || prop.maxLength < 200_000;
  };
  /** A top-level value the body's schema cannot be: not an object, or a key it does not have. */
  const notTheBody = (v: unknown) =>
    !v || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).some((k) => !fields.includes(k));

  const paramValue = (name: string) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(validParams[name]) },
      { weight: 1, arbitrary: fc.uuid() },
      {
        weight: 2,
        arbitrary: fc.constantFrom(...NASTY_STRINGS.filter((s) => s.length < 10_000 && s !== '')),
      },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
      { weight: 1, arbitrary: fc.constantFrom('z'.repeat(4000), '1'.repeat(300)) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH_SEGMENTS) },
    );
  const params = fc.record(
    Object.fromEntries(pathParams.map((p) => [p.name, paramValue(p.name)])) as Record<
      string,
      fc.Arbitrary<string>
    >,
  );

  const queryValue = (name: string, schema: Schema) =>
    fc.oneof(
      fc.constant(String(sampleValue(name, schema, ctx))),
      fc.constantFrom(...NASTY_STRINGS.filter((s) => s.length < 10_000)),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.integer({ min: -5, max: 100000 }).map(String),
      fc.array(fc.string({ maxLength: 5 }), { minLength: 2, maxLength: 3 }), // ?x=a&x=b
    );
  const query = fc
    .tuple(
      fc.record(
        Object.fromEntries(queryParams.map((p) => [p.name, queryValue(p.name, p.schema)])) as Record<
          string,
          fc.Arbitrary<string | string[]>
        >,
        {
          requiredKeys: [],
        },
      ),
      fc.option(
        fc.tuple(
          fc.constantFrom('__proto__[x]', 'constructor', 'extra', 'limit[$gt]', 'q[]'),
          fc.string({ maxLength: 10 }),
        ),
        { freq: 4 },
      ),
    )
    .map(([q, extra]) => (extra ? { ...q, [extra[0]]: extra[1] } : q));

  type BodyPart = Pick<FuzzRequest, 'body' | 'contentType' | 'label'>;
  const w = (weight: number, arbitrary: fc.Arbitrary<BodyPart>) => ({ weight, arbitrary });
  const bodies: Array<{ weight: number; arbitrary: fc.Arbitrary<BodyPart> }> = [
    w(3, fc.constant({ body: JSON.stringify(valid), label: 'valid sample' })),
    w(1, fc.constant({ body: undefined, label: 'no body', bad: required })),
    w(
      1,
      fc
        .constantFrom('{"a":', '[1,2', '{"a":1}}', '\u0000', '{"a":"\\ud800"}')
        .map((b) => ({ body: b, label: 'malformed json', bad: hasBody })),
    ),
    w(1, fc.constant({ body: '{}', label: 'empty object', bad: required })),
    w(
      1,
      fc.constant({
        body: 'email=a@b.c&password=x&__proto__[a]=1',
        contentType: 'application/x-www-form-urlencoded',
        label: 'form body',
        bad: required,
      }),
    ),
    w(
      1,
      fc
        .constantFrom(
          'text/plain',
          'application/xml',
          'application/json; charset=utf-16',
          'application/json; charset=koi8-r',
        )
        .map((c) => ({ body: 'hello', contentType: c, label: `content-type ${c}`, bad: required })),
    ),
    w(
      0.2,
      fc.constant({
        body: JSON.stringify({ ...valid, pad: 'p'.repeat(1_100_000) }),
        label: 'over 1 MiB',
        bad: hasBody,
      }),
    ),
    w(
      2,
      junkValue.map((v) => ({
        body: JSON.stringify(v ?? null),
        label: 'junk top-level value',
        bad: hasBody && notTheBody(v),
      })),
    ),
    w(
      2,
      fc.tuple(fc.constantFrom(...PROTO_KEYS), junkValue).map(([k, v]) => ({
        body: withKey(valid, k, v ?? { isAdmin: true, polluted: 'yes' }),
        label: `prototype key ${k}`,
        bad: hasBody,
      })),
    ),
    w(
      1,
      fc
        .tuple(
          fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !fields.includes(k)),
          junkValue,
        )
        .map(([k, v]) => ({
          body: JSON.stringify({ ...valid, [k]: v }),
          label: 'extra field',
          bad: hasBody,
        })),
    ),
  ];
  if (route.body)
    bodies.push(
      w(
        4,
        bodyFromSchema(route.body, ctx).map((b) => ({ body: JSON.stringify(b), label: 'schema-shaped' })),
      ),
    );
  if (fields.length) {
    bodies.push(
      w(
        6,
        fc
          .tuple(fc.constantFrom(...fields), junkValue)
          .map(([f, v]) => ({ body: JSON.stringify({ ...valid, [f]: v }), label: `field ${f} mutated` })),
      ),
      w(
        2,
        fc.constantFrom(...fields).map((f) => {
          const copy = { ...valid };
          delete copy[f];
          return { body: JSON.stringify(copy), label: `field ${f} missing` };
        }),
      ),
      w(
        0.5,
        fc.constantFrom(...fields).map((f) => ({
          body: JSON.stringify({ ...valid, [f]: 'x'.repeat(200_000) }),
          label: `field ${f} huge`,
          bad: boundedField(f),
        })),
      ),
    );
  }
  const body = fc.oneof(
    ...bodies.map((b) => ({ weight: Math.max(1, Math.round(b.weight * 5)), arbitrary: b.arbitrary })),
  );

  // An `@All` handler answers every method: fuzz them all.
  const method =
    route.method === 'ALL'
      ? fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE')
      : fc.constant(undefined);
  return fc.record({ params, query, body, method }).map(({ params, query, body, method }) => ({
    params: { ...validParams, ...params },
    query: query as Record<string, string | string[]>,
    ...body,
    ...(method ? { method } : {}),
  }));
}

/** Text that must never appear in a response: stack frames, source paths, SQL and driver errors. */
export const LEAK_PATTERNS: RegExp[] = [
  /\bat [\w.<>]+ \(.*:\d+:\d+\)/,
  /node_modules/,
  /\/src\/[\w/-]+\.(ts|js)/,
  /QueryFailedError|EntityNotFound|TypeORMError/,
  /syntax error at or near/i,
  /violates (unique|foreign key|check|not-null) constraint/i,
  /duplicate key value/i,
  /invalid input syntax for/i,
  /\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\b[\s\S]{0,80}\b(FROM|VALUES|SET|WHERE)\b/,
  /relation "[\w.]+" does not exist/i,
];
