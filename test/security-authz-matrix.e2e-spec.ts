/**
 * Authorization matrix (ASVS V4.1/V4.2 access control; HIPAA 164.312(a)(1) access control,
 * 164.312(d) person or entity authentication).
 *
 * Every route the running application registers × every kind of caller → the expected class of
 * answer. "Allowed" means the request got past authorization: neither 401 nor 403 (it may still
 * be 200, 201, 204, 400, 404 or 409). Every caller not allowed must get 401 (no or bad
 * credentials) or 403 (authenticated but not permitted), as problem+json with the right code.
 */
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestContext } from './support/test-app.js';
import { buildSecurityWorld, CALLERS, type Caller, type SecurityWorld } from './support/security-world.js';
import { discoverRoutes, fillPath, type RouteInfo } from './support/routes.js';
import { sampleObject, sampleValue, type SampleContext } from './support/samples.js';
import { createUser, makeNpi, TEST_PASSWORD } from './factories/index.js';
import { clearThrottles } from './support/security-world.js';

type Allow = readonly Caller[] | 'public';
interface Rule {
  allow: Allow;
  /** Path parameter values (default: the world's patient id / MRN, a random uuid for other ids). */
  params?: (w: SecurityWorld) => Record<string, string>;
  /** Query string (default: required query parameters filled with sample values). */
  query?: (w: SecurityWorld) => Record<string, string>;
  /** Body (default: a valid sample from the route's OpenAPI schema). */
  body?: (w: SecurityWorld, ctx: SampleContext) => unknown;
  /**
   * Public routes that take a credential in the body: the 401 with this code is the route's own
   * answer to the body (the same for every caller), not an authorization decision about the caller.
   */
  bodyCredentialCode?: string;
  /** The code a denied caller must get where the route decides it (default: the guard's codes). */
  codes?: Partial<Record<Caller, string>>;
  /** Served on purpose without an OpenAPI description (e.g. the queue dashboard's pages). */
  undocumented?: true;
}

// ── caller groups ────────────────────────────────────────────────────────────────────────────
/** Providers and sponsored users, with or without a relationship to the patient. */
const CLINICIANS: Allow = ['provider', 'otherProvider', 'sponsored'];
/** Clinicians with a relationship to the world's patient (PCP practice, care team). */
const RELATED: Allow = ['provider', 'sponsored'];
const STAFF: Allow = ['staff'];
const ACTIVE_USERS: Allow = ['provider', 'otherProvider', 'sponsored', 'staff'];
/** `@AllowLockedSponsor()` routes: every active user plus the sponsor locked for validation_overdue. */
const ACTIVE_OR_LOCKED_SPONSOR: Allow = [...ACTIVE_USERS, 'lockedSponsor'];
const PROVIDERS: Allow = ['provider', 'otherProvider'];
const EHR: Allow = ['ehrKey'];
const PORTAL: Allow = ['portalKey'];
/** No authentication at all: every caller, forged and expired tokens included, gets through. */
const PUBLIC: Allow = 'public';

// ── the matrix: route → who is allowed ───────────────────────────────────────────────────────
const MATRIX: Record<string, Rule> = {
  // service
  'GET /health':                                               { allow: PUBLIC },

  // sign-in and accounts
  'POST /auth/register':                                       { allow: PUBLIC },
  'POST /auth/verify-email':                                   { allow: PUBLIC },
  'POST /auth/activate':                                       { allow: PUBLIC },
  'POST /auth/login':                                          { allow: PUBLIC, body: async () => ({ email: await signInAccount(), password: TEST_PASSWORD }) },
  'POST /auth/mfa':                                            { allow: PUBLIC, body: async (w) => ({ mfaToken: await mfaTokenOf(w), code: '000000' }), bodyCredentialCode: 'invalid_code' },
  'POST /auth/refresh':                                        { allow: PUBLIC, body: async (w) => ({ refreshToken: await w.refreshToken() }) },
  'POST /auth/logout':                                         { allow: ACTIVE_OR_LOCKED_SPONSOR },
  'POST /auth/password/forgot':                                { allow: PUBLIC },
  'POST /auth/password/reset':                                 { allow: PUBLIC },
  'GET /auth/sso/login':                                       { allow: PUBLIC },
  'GET /auth/sso/callback':                                    { allow: PUBLIC },
  'GET /me':                                                   { allow: ACTIVE_OR_LOCKED_SPONSOR },
  'POST /me/email':                                            { allow: PROVIDERS },
  'POST /me/email/confirm':                                    { allow: ACTIVE_USERS },
  'POST /me/practice-change-requests':                         { allow: CLINICIANS },
  'POST /support-requests':                                    { allow: ACTIVE_USERS },
  'GET /practices':                                            { allow: PUBLIC },

  // staff: accounts
  'GET /staff/registrations':                                  { allow: STAFF },
  'POST /staff/registrations/{userId}/approve':                { allow: STAFF },
  'POST /staff/registrations/{userId}/reject':                 { allow: STAFF },
  'POST /staff/hospital-accounts':                             { allow: STAFF },
  'POST /staff/users/{userId}/unlock':                         { allow: STAFF, params: (w) => ({ userId: w.targets.locked.id }) },
  'GET /staff/practice-change-requests':                       { allow: STAFF },
  'GET /staff/support-requests':                               { allow: STAFF },
  'GET /staff/support-requests/{id}/screenshot':               { allow: STAFF },

  // access requests and invitation tokens
  'POST /patients/{patientId}/access-requests':                { allow: CLINICIANS },
  'GET /access-requests':                                      { allow: CLINICIANS },
  'POST /tokens/validate':                                     { allow: CLINICIANS },
  'POST /staff/invitations':                                   { allow: STAFF },
  'GET /staff/patients/{patientId}/access-grants':             { allow: STAFF },
  'DELETE /staff/access-grants/{id}':                          { allow: STAFF },
  'POST /staff/jobs/{name}/run':                               { allow: STAFF, params: () => ({ name: 'access-request-expiry' }) },

  // patients: search answers every clinician (not_authorized items carry no demographics);
  // the record and its documents only with a basis — otherProvider has none: 403 not_authorized
  'GET /patients':                                             { allow: CLINICIANS, query: (w) => ({ mrn: w.patient.mrn }) },
  'GET /patients/{patientId}':                                 { allow: RELATED, codes: { otherProvider: 'not_authorized' } },
  'GET /patients/{patientId}/documents':                       { allow: RELATED, codes: { otherProvider: 'not_authorized' } },
  'POST /staff/practices/{practiceId}/roster':                 { allow: STAFF, params: (w) => ({ practiceId: w.otherPractice.id }), body: () => ({ npi: makeNpi() }) },
  'GET /staff/patients/{patientId}/access-log':                { allow: STAFF },

  // integration: EHR feed (a patient of its own, so the world's patient keeps its PCP)
  'PUT /integration/ehr/patients/{mrn}':                       { allow: EHR, params: () => ({ mrn: 'MRN-MATRIX-EHR' }) },
  'POST /integration/ehr/patients/{mrn}/documents':            { allow: EHR },

  // PCP updates
  'POST /patients/{patientId}/pcp-access-requests':            { allow: CLINICIANS },
  'GET /staff/pcp-updates':                                    { allow: STAFF },
  'GET /staff/pcp-updates/{id}':                               { allow: STAFF },
  'POST /staff/pcp-updates/{id}/claim':                        { allow: STAFF },
  'POST /staff/pcp-updates/{id}/release':                      { allow: STAFF },
  'POST /staff/pcp-updates/{id}/confirmation':                 { allow: STAFF },
  'POST /staff/pcp-updates/{id}/complete':                     { allow: STAFF },
  'POST /staff/pcp-updates/{id}/reject':                       { allow: STAFF },

  // sponsorship (both world providers are local accounts enrolled as sponsors)
  'POST /sponsorship/enroll':                                  { allow: PROVIDERS },
  'POST /sponsorship/sponsored-users':                         { allow: PROVIDERS },
  'GET /sponsorship/sponsored-users':                          { allow: PROVIDERS },
  'DELETE /sponsorship/sponsored-users/{id}':                  { allow: PROVIDERS },
  'POST /sponsorship/sponsored-users/{id}/replace-email':      { allow: PROVIDERS },
  'GET /sponsorship/validation':                               { allow: [...PROVIDERS, 'lockedSponsor'] },
  'POST /sponsorship/validation/{id}/complete':                { allow: [...PROVIDERS, 'lockedSponsor'] },

  // notifications (staff) and the queue dashboard (bull-board pages, outside the OpenAPI document)
  'GET /staff/notifications':                                  { allow: STAFF },
  'POST /staff/notifications/{id}/retry':                      { allow: STAFF },
  'ALL /staff/queues':                                         { allow: STAFF, undocumented: true },
  'ALL /staff/queues/*path':                                   { allow: STAFF, undocumented: true },

  // integration: patient portal
  'GET /integration/portal/patients/{mrn}/access-requests':    { allow: PORTAL },
  'POST /integration/portal/access-requests/{id}/decision':    { allow: PORTAL },
  'PUT /integration/portal/patients/{mrn}/care-team':          { allow: PORTAL },
  'POST /integration/portal/patients/{mrn}/invitations':       { allow: PORTAL },
};

// ── expected denials ─────────────────────────────────────────────────────────────────────────
const NO_USER: Caller[] = ['anonymous', 'ehrKey', 'portalKey', 'forgedJwt', 'expiredJwt'];
const STATUS_CODES: Partial<Record<Caller, string>> = {
  lockedSponsor: 'account_locked',
  lockedFailedLogins: 'account_locked',
  lockedByStaff: 'account_locked',
  deactivated: 'account_deactivated',
  pending: 'account_pending',
};

/** The status (and code, where it is fixed) a caller who is not allowed must get. */
function expectedDenial(route: RouteInfo, caller: Caller): { status: 401 | 403; code?: string } {
  const keyScope = route.security.includes('ehr-key') ? 'ehrKey' : route.security.includes('portal-key') ? 'portalKey' : undefined;
  if (keyScope) {
    if (caller === 'ehrKey' || caller === 'portalKey') return { status: 403, code: 'forbidden' }; // the other system's key
    return { status: 401, code: 'unauthenticated' }; // no API key at all (user tokens never count)
  }
  if (NO_USER.includes(caller)) return { status: 401, code: 'unauthenticated' };
  return { status: 403, code: STATUS_CODES[caller] };
}

/** Signs the related provider in with the right password: the mfaToken of the second step. */
let mfaTokenOf: (w: SecurityWorld) => Promise<string>;
/** A new active provider with TEST_PASSWORD and no TOTP yet; returns its email. */
let signInAccount: () => Promise<string>;

describe('authorization matrix: every route × every caller', () => {
  let t: TestContext;
  let w: SecurityWorld;
  let routes: RouteInfo[];
  let undocumented: string[];
  const checked: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    w = await buildSecurityWorld(t);
    ({ routes, undocumented } = await discoverRoutes(t.app));
    // Each sign-in row uses an account of its own, so failed codes lock nobody the other rows use.
    signInAccount = async () => (await createUser(t.app, 'provider')).email;
    mfaTokenOf = async () => {
      const res = await t.http().post('/api/v1/auth/login').send({ email: await signInAccount(), password: TEST_PASSWORD });
      if (!res.body.mfaToken) throw new Error(`login for the mfa row failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.mfaToken as string;
    };
  });
  afterAll(async () => {
    console.log(`authorization matrix: ${routes?.length ?? 0} routes × ${CALLERS.length} callers = ${checked.length} requests checked`);
    await t.close();
  });

  it('reads the routes from the running application, and every route is in the OpenAPI document unless the table says why not', () => {
    expect(routes.length).toBeGreaterThan(5);
    const declared = Object.entries(MATRIX).filter(([, rule]) => rule.undocumented).map(([key]) => key);
    expect(undocumented.sort()).toEqual(declared.sort());
  });

  it('has a row for every route the application registers, and no row for a route it lacks', () => {
    const keys = routes.map((r) => r.key);
    expect(keys.filter((k) => !MATRIX[k])).toEqual([]);
    expect(Object.keys(MATRIX).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('answers every caller on every route with the expected class of status', async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      const rule = MATRIX[route.key];
      if (!rule) continue; // reported by the test above
      await clearThrottles(t); // each row starts with fresh throttling counters
      await Promise.all(
        CALLERS.map(async (caller) => {
          const res = await send(route, rule, caller);
          checked.push(`${route.key} ${caller}`);
          const allowed = rule.allow === 'public' || rule.allow.includes(caller);
          const problem = /application\/problem\+json/.test(String(res.headers['content-type'] ?? ''));
          const ownAnswer = rule.allow === 'public' && rule.bodyCredentialCode && res.status === 401 && res.body?.code === rule.bodyCredentialCode;
          if (res.status >= 500) {
            mismatches.push(`${route.key} as ${caller}: ${res.status} ${res.body?.code ?? ''}`);
          } else if (allowed) {
            if ((res.status === 401 || res.status === 403) && !ownAnswer) mismatches.push(`${route.key} as ${caller}: expected allowed, got ${res.status} ${res.body?.code}`);
          } else {
            const want = expectedDenial(route, caller);
            if (rule.codes?.[caller]) want.code = rule.codes[caller];
            if (res.status !== want.status) mismatches.push(`${route.key} as ${caller}: expected ${want.status}${want.code ? ` ${want.code}` : ''}, got ${res.status} ${res.body?.code ?? ''}`);
            else if (want.code && res.body?.code !== want.code) mismatches.push(`${route.key} as ${caller}: expected code ${want.code}, got ${res.body?.code}`);
            else if (!problem) mismatches.push(`${route.key} as ${caller}: ${res.status} without application/problem+json`);
          }
        }),
      );
    }
    expect(mismatches).toEqual([]);
    expect(checked.length).toBe(routes.length * CALLERS.length);
  }, 120_000);

  async function send(route: RouteInfo, rule: Rule, caller: Caller) {
    const ctx: SampleContext = {
      mrn: w.patient.mrn,
      patientId: w.patient.id,
      practiceId: w.practice.id,
      userId: w.targets.pendingApproval.id,
      npi: w.users.provider.npi!,
    };
    const params: Record<string, string> = {};
    for (const p of route.params.filter((p) => p.in === 'path')) {
      params[p.name] = p.name === 'mrn' ? w.patient.mrn : p.name === 'patientId' ? w.patient.id : p.name === 'userId' ? ctx.userId : randomUUID();
    }
    Object.assign(params, rule.params?.(w));
    const query: Record<string, string> = {};
    for (const p of route.params.filter((p) => p.in === 'query' && p.required)) query[p.name] = String(sampleValue(p.name, p.schema, ctx));
    Object.assign(query, rule.query?.(w));
    const body = rule.body ? await rule.body(w, ctx) : route.body ? sampleObject(route.body, ctx) : undefined;

    const method = route.method === 'ALL' ? 'get' : (route.method.toLowerCase() as 'get');
    let req = t.http()[method](fillPath(route.path, params)).query(query);
    for (const [k, v] of Object.entries(await w.headers(caller))) req = req.set(k, v);
    req = req.set('x-forwarded-for', `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`);
    if (body !== undefined) req = req.send(body as object);
    return req.timeout(10000);
  }
});
