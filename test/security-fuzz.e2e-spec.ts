/**
 * Input fuzzing driven by the OpenAPI document (ASVS V5.1 input validation, V7.4 error handling;
 * HIPAA 164.312(c)(1) integrity): for every route, generated and mutated bodies, query strings
 * and path parameters, sent with credentials that pass the route's authorization (a route no caller
 * passes is itself a finding, unless it is public) so the input reaches validation and the code
 * behind it. Path ids are the world's real objects as often as junk. No answer may be a 5xx, take
 * longer than the timeout, be an error that is not problem+json, or carry a stack trace or SQL;
 * none may be `invalid_input` or `conflict` (the database refusing a value or a duplicate: the
 * input got past validation to SQL); a body the generator broke on purpose must get a 4xx.
 *
 * Seeded and deterministic: FUZZ_SEED (default 20261116) and FUZZ_RUNS (requests per route;
 * default sized so CI sends several thousand). `npm run fuzz` runs it with many more.
 */
import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestApp, type TestContext } from './support/test-app.js';
import { buildSecurityWorld, realParams, type Caller, type SecurityWorld } from './support/security-world.js';
import { discoverRoutes, fillPath, type RouteInfo } from './support/routes.js';
import { sampleObject, type SampleContext } from './support/samples.js';
import { isLabelledBad, LEAK_PATTERNS, requestArb, type FuzzRequest } from './support/fuzz.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261116);
/** Total budget in CI; per route it is divided evenly (at least 40). */
const TOTAL_RUNS = Number(process.env.FUZZ_TOTAL_RUNS ?? 3000);
const RUNS_PER_ROUTE = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : undefined;
const TIMEOUT_MS = 8000;
/** Callers tried, in order, until one gets past a route's authorization. */
const CREDENTIAL_ORDER: Caller[] = [
  'staff',
  'staffAdmin',
  'staffPrivacy',
  'provider',
  'sponsored',
  'lockedSponsor',
  'ehrKey',
  'portalKey',
  'anonymous',
];

const TEST_TIMEOUT = Number(process.env.FUZZ_JEST_TIMEOUT ?? 170_000);

describe('OpenAPI-driven input fuzzing', () => {
  let t: TestContext;
  let w: SecurityWorld;
  let routes: RouteInfo[];
  let undocumented: Set<string>;
  let ctx: SampleContext;
  let sent = 0;
  let baseUrl: string;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    t = await createTestApp();
    w = await buildSecurityWorld(t);
    const discovered = await discoverRoutes(t.app);
    routes = discovered.routes;
    undocumented = new Set(discovered.undocumented);
    // One listening server for the whole run (supertest would otherwise start one per request).
    await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    ctx = {
      mrn: w.patient.mrn,
      patientId: w.patient.id,
      practiceId: w.practice.id,
      userId: w.targets.pendingApproval.id,
      npi: w.users.provider.npi!,
    };
  });
  afterAll(async () => {
    const histogram = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
    console.log(
      `fuzz: ${sent} requests over ${routes?.length ?? 0} routes (seed ${SEED}); statuses ${histogram}`,
    );
    await t.close();
  });

  /** Real objects of the world for the route's path parameters (the fuzz also sends junk and random uuids). */
  const validParams = (route: RouteInfo): Record<string, string> => {
    const real = realParams(w, route.key);
    const out: Record<string, string> = {};
    for (const p of route.params.filter((p) => p.in === 'path'))
      out[p.name] = real[p.name] ?? '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
    return out;
  };

  async function send(route: RouteInfo, caller: Caller, r: FuzzRequest) {
    const method = (r.method ?? (route.method === 'ALL' ? 'get' : route.method)).toLowerCase() as 'get';
    let req = request(baseUrl)[method](fillPath(route.path, r.params)).query(r.query);
    for (const [k, v] of Object.entries(await w.cachedHeaders(caller))) req = req.set(k, v);
    req = req.set('x-forwarded-for', `10.${(sent >> 16) & 255}.${(sent >> 8) & 255}.${sent & 255}`);
    if (r.body !== undefined) req = req.set('content-type', r.contentType ?? 'application/json').send(r.body);
    sent++;
    const res = await req.timeout(TIMEOUT_MS);
    if (res.status === 401) w.forget(caller); // e.g. the session was logged out: next request opens a new one
    return res;
  }

  /** The first caller that gets past the route's authorization with a well-formed request; undefined when none does. */
  async function credentialFor(route: RouteInfo): Promise<Caller | undefined> {
    for (const caller of CREDENTIAL_ORDER) {
      const res = await send(route, caller, {
        params: validParams(route),
        query: {},
        body: route.body ? JSON.stringify(sampleObject(route.body, ctx)) : undefined,
        label: 'probe',
      });
      if (res.status !== 401 && res.status !== 403) return caller;
    }
    return undefined;
  }

  /** Public routes (no security requirement in the OpenAPI document): anonymous callers pass by design. */
  const isPublic = (route: RouteInfo) => route.security.length === 0 && !undocumented.has(route.key);

  function check(
    res: {
      status: number;
      headers: Record<string, string>;
      text: string;
      body: { code?: unknown; status?: unknown };
    },
    r?: FuzzRequest,
    route?: RouteInfo,
  ): string | undefined {
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500) return `${res.status} ${res.text.slice(0, 200)}`;
    // The database's own refusals mean the value got past validation into SQL.
    if (res.body?.code === 'invalid_input' || res.body?.code === 'conflict')
      return `${res.status} ${res.body.code}: the input reached SQL`;
    if (r && route && isLabelledBad(route, r) && (res.status < 400 || res.status >= 500))
      return `${res.status} for a body broken on purpose (${r.label})`;
    for (const pattern of LEAK_PATTERNS.slice(0, 3))
      if (pattern.test(res.text)) return `stack/source text in response: ${pattern}`;
    if (res.status >= 400) {
      if (!/application\/problem\+json/.test(res.headers['content-type'] ?? ''))
        return `${res.status} is not problem+json (${res.headers['content-type']})`;
      if (typeof res.body.code !== 'string' || res.body.status !== res.status)
        return `${res.status} problem body lacks code/status: ${res.text.slice(0, 200)}`;
      for (const pattern of LEAK_PATTERNS)
        if (pattern.test(res.text)) return `internal text in error: ${pattern} in ${res.text.slice(0, 300)}`;
    }
    return undefined;
  }

  it(
    'never answers 5xx, never hangs, and errors are clean problem+json',
    async () => {
      const failures: string[] = [];
      // Every route is fuzzed against the same world: what fuzzing one route did to the callers'
      // accounts (a wrong current password counts towards a lock, a logout, an email change) is undone.
      const accounts = await t.dataSource.query(
        `SELECT id, status, lock_reason, locked_until, failed_login_count, email, password_hash FROM users WHERE id = ANY($1::uuid[])`,
        [Object.values(w.users).map((u) => u.id)],
      );
      const restoreAccounts = async () => {
        await t.dataSource.query(
          `UPDATE users u SET status = a.status, lock_reason = a.lock_reason, locked_until = a.locked_until,
                failed_login_count = a.failed_login_count, email = a.email, password_hash = a.password_hash
           FROM jsonb_to_recordset($1::jsonb) AS a(id uuid, status text, lock_reason text, locked_until timestamptz, failed_login_count int, email text, password_hash text)
          WHERE u.id = a.id`,
          [JSON.stringify(accounts)],
        );
        for (const caller of Object.keys(w.users) as Caller[]) w.forget(caller);
      };
      const timings: string[] = [];
      const runs = RUNS_PER_ROUTE ?? Math.max(40, Math.ceil(TOTAL_RUNS / routes.length));
      for (const [index, route] of routes.entries()) {
        const started = Date.now();
        await restoreAccounts();
        const found = await credentialFor(route);
        if (!found && !isPublic(route)) {
          failures.push(
            `${route.key}: no fuzz caller passes its authorization, so its input would go unchecked`,
          );
          continue;
        }
        const caller = found ?? 'anonymous';
        const property = fc.asyncProperty(requestArb(route, ctx, validParams(route)), async (r) => {
          let res;
          try {
            res = await send(route, caller, r);
          } catch (error) {
            throw new Error(`no answer within ${TIMEOUT_MS} ms (${(error as Error).message})`);
          }
          const problem = check(res, r, route);
          if (problem) throw new Error(problem);
        });
        const result = await fc.check(property, {
          seed: SEED + index,
          numRuns: runs,
          endOnFailure: false,
          maxSkipsPerRun: 0,
        });
        timings.push(`${route.key} ${Date.now() - started}ms`);
        if (result.failed) {
          const example = result.counterexample?.[0] as FuzzRequest | undefined;
          failures.push(
            `${route.key} as ${caller}: ${(result.errorInstance as Error)?.message ?? String(result.errorInstance)}\n    ${example?.label}${example?.method ? ` (${example.method})` : ''}; params ${JSON.stringify(example?.params)}; query ${JSON.stringify(example?.query)}; body ${String(example?.body).slice(0, 300)}`,
          );
        }
      }
      if (process.env.FUZZ_TIMINGS) console.log(timings.join('\n'));
      expect(failures).toEqual([]);
      expect(sent).toBeGreaterThanOrEqual(routes.length * runs);
    },
    TEST_TIMEOUT,
  );

  it(
    'answers any malformed Authorization or X-Api-Key header with a clean 401, never a 5xx',
    async () => {
      const printable = fc.string({
        unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
        maxLength: 300,
      });
      const segment = fc.string({
        unit: fc.constantFrom(
          ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_='.split(''),
        ),
        maxLength: 60,
      });
      const authorization = fc.oneof(
        printable,
        printable.map((v) => `Bearer ${v}`),
        fc.tuple(segment, segment, segment).map(([a, b, c]) => `Bearer ${a}.${b}.${c}`),
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          'bearer x.y.z',
          'Bearer a.b',
          'Bearer ....',
          'Bearer eyJhbGciOiJub25lIn0.e30.',
          `Bearer ${'A'.repeat(8000)}`,
        ),
      );
      const runs = Math.max(100, Math.ceil(TOTAL_RUNS / 15));
      const staffRoute = `/api/v1/staff/registrations`;
      const keyRoute = `/api/v1/integration/portal/patients/${encodeURIComponent(w.patient.mrn)}/access-requests`;
      await fc.assert(
        fc.asyncProperty(authorization, printable, async (auth, key) => {
          sent += 2;
          const res = await request(baseUrl).get(staffRoute).set('authorization', auth).timeout(TIMEOUT_MS);
          expect(res.status).toBe(401);
          expect(check(res)).toBeUndefined();
          const keyed = await request(baseUrl).get(keyRoute).set('x-api-key', key).timeout(TIMEOUT_MS);
          expect(keyed.status).toBe(
            key.trim() === t.config.portalApiKey ? 200 : key.trim() === t.config.ehrApiKey ? 403 : 401,
          );
          expect(check(keyed)).toBeUndefined();
        }),
        { seed: SEED, numRuns: runs },
      );
    },
    TEST_TIMEOUT,
  );
});
