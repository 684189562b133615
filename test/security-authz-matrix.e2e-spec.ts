/**
 * Authorization matrix (ASVS V4.1/V4.2 access control; HIPAA 164.312(a)(1) access control,
 * 164.312(d) person or entity authentication).
 *
 * Every route the running application registers (every method of an `@All` route) × every kind of
 * caller → the expected class of answer. Path ids name real objects of the world (the related
 * provider's request, grant, validation, sponsored user…), so "allowed" means the request got past
 * authorization to the object: neither 401 nor 403, nor 404 (a route may still answer 400 or 409).
 * Every caller not allowed must get 401 (no or bad credentials) or 403 (authenticated but not
 * permitted), as problem+json with the right code — or, acting on another's object, the exact
 * answer its row gives (404: the object is not theirs to see). Object-level rows check that the
 * object stayed as it was.
 */
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestContext } from './support/test-app.js';
import {
  buildSecurityWorld,
  CALLERS,
  realParams,
  type Caller,
  type SecurityWorld,
} from './support/security-world.js';
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
  /**
   * The exact answer of a caller, where it is not the class its group gives: e.g. another
   * provider acting on the related provider's object gets 404 `not_found` (it is not theirs).
   */
  expect?: Partial<Record<Caller, { status: number; code?: string }>>;
  /** An allowed caller may get 404 here: the route answers for pages that do not exist (the queue dashboard). */
  notFoundIsAnswer?: true;
}

// ── caller groups ────────────────────────────────────────────────────────────────────────────
/** Providers and sponsored users, with or without a relationship to the patient. */
const CLINICIANS: Allow = ['provider', 'otherProvider', 'sponsored', 'hospital'];
/** Clinicians with a relationship to the world's patient (PCP practice, care team). */
const RELATED: Allow = ['provider', 'sponsored', 'hospital'];
/** Staff routes need the `team` role unless their row says otherwise (API.md v1.1 "Staff: roles"). */
const STAFF: Allow = ['staff'];
/** Staff routes of role `admin` (staff accounts). */
const STAFF_ADMIN: Allow = ['staffAdmin'];
/** Staff routes of role `privacy` (API.md v1.1 "Privacy"). */
const PRIVACY: Allow = ['staffPrivacy'];
const ACTIVE_USERS: Allow = [
  'provider',
  'otherProvider',
  'sponsored',
  'hospital',
  'staff',
  'staffPrivacy',
  'staffAdmin',
];
/** `@AllowLockedSponsor()` routes: every active user plus the sponsor locked for validation_overdue. */
const ACTIVE_OR_LOCKED_SPONSOR: Allow = [...ACTIVE_USERS, 'lockedSponsor'];
/** Local providers enrolled as sponsors (hospital credentials may not sponsor: 403 `not_eligible`). */
const SPONSORS: Allow = ['provider', 'otherProvider'];
/** Acting on the related provider's object: only they may; another sponsor is told it does not exist. */
const OWNER: Allow = ['provider'];
const NOT_THEIRS = { status: 404, code: 'not_found' } as const;
const EHR: Allow = ['ehrKey'];
const PORTAL: Allow = ['portalKey'];
/** No authentication at all: every caller, forged and expired tokens included, gets through. */
const PUBLIC: Allow = 'public';

// ── the matrix: route → who is allowed ───────────────────────────────────────────────────────
const MATRIX: Record<string, Rule> = {
  // service
  'GET /health': { allow: PUBLIC },

  // sign-in and accounts
  'POST /auth/register': { allow: PUBLIC },
  'POST /auth/verify-email': { allow: PUBLIC },
  'POST /auth/verify-email/resend': { allow: PUBLIC },
  'POST /auth/activate': { allow: PUBLIC },
  'POST /auth/login': {
    allow: PUBLIC,
    body: async () => ({ email: await signInAccount(), password: TEST_PASSWORD }),
  },
  'POST /auth/mfa': {
    allow: PUBLIC,
    body: async (w) => ({ mfaToken: await mfaTokenOf(w), code: '000000' }),
    bodyCredentialCode: 'invalid_code',
  },
  'POST /auth/refresh': { allow: PUBLIC, body: async (w) => ({ refreshToken: await w.refreshToken() }) },
  'POST /auth/logout': { allow: ACTIVE_OR_LOCKED_SPONSOR },
  'POST /auth/password/forgot': { allow: PUBLIC },
  'POST /auth/password/reset': { allow: PUBLIC },
  'POST /auth/unlock': { allow: PUBLIC },
  // (no identity provider is configured in the test app: both answer 404 sso_not_configured)
  'GET /auth/sso/login': { allow: PUBLIC, notFoundIsAnswer: true },
  'GET /auth/sso/callback': { allow: PUBLIC, notFoundIsAnswer: true },
  'POST /auth/sso/exchange': { allow: PUBLIC, notFoundIsAnswer: true },
  'GET /me': { allow: ACTIVE_OR_LOCKED_SPONSOR },
  'POST /me/email': {
    allow: SPONSORS,
    expect: { hospital: { status: 403, code: 'email_change_not_allowed' } },
  },
  'POST /me/email/confirm': { allow: ACTIVE_USERS },
  'POST /me/practice-change-requests': { allow: CLINICIANS },
  // signed out too (no Authorization header: an API key alone is no caller); a token is checked as anywhere
  'POST /support-requests': { allow: [...ACTIVE_OR_LOCKED_SPONSOR, 'anonymous', 'ehrKey', 'portalKey'] },
  'GET /support-requests': { allow: ACTIVE_OR_LOCKED_SPONSOR },
  'GET /me/practice-change-requests': { allow: CLINICIANS },
  'POST /me/password': { allow: ACTIVE_OR_LOCKED_SPONSOR },
  'GET /me/sessions': { allow: ACTIVE_OR_LOCKED_SPONSOR },
  'DELETE /me/sessions/{id}': { allow: ACTIVE_OR_LOCKED_SPONSOR },
  'DELETE /me/sessions': { allow: ACTIVE_OR_LOCKED_SPONSOR },
  'GET /practices': { allow: PUBLIC },
  // development only (no SMTP_URL): the test app answers 404 problem+json
  'GET /dev/mailbox': { allow: PUBLIC, notFoundIsAnswer: true },

  // staff: accounts
  'GET /staff/registrations': { allow: STAFF },
  'POST /staff/registrations/{userId}/approve': { allow: STAFF },
  'POST /staff/registrations/{userId}/reject': { allow: STAFF },
  'POST /staff/hospital-accounts': { allow: STAFF },
  'POST /staff/users/{userId}/unlock': { allow: STAFF, params: (w) => ({ userId: w.targets.locked.id }) },
  // the directory and the account life cycle: each target is in a state that answers 409, so the world stays as it is
  'GET /staff/users': { allow: STAFF },
  'GET /staff/users/{userId}': { allow: STAFF, params: (w) => ({ userId: w.users.provider.id }) },
  'POST /staff/users/{userId}/lock': { allow: STAFF, params: (w) => ({ userId: w.users.deactivated.id }) },
  'POST /staff/users/{userId}/deactivate': {
    allow: STAFF,
    params: (w) => ({ userId: w.users.provider.id }),
    body: () => ({ reason: 'matrix' }),
  }, // has_sponsored_users
  'POST /staff/users/{userId}/reactivate': {
    allow: STAFF,
    params: (w) => ({ userId: w.users.otherProvider.id }),
  },
  'POST /staff/users/{userId}/reset-mfa': { allow: STAFF, params: (w) => ({ userId: w.users.hospital.id }) }, // not_applicable
  'POST /staff/users/{userId}/resend-link': {
    allow: STAFF,
    params: (w) => ({ userId: w.users.otherProvider.id }),
  },
  'PUT /staff/users/{userId}/practice': { allow: STAFF, params: (w) => ({ userId: w.users.sponsored.id }) }, // not_applicable
  'GET /staff/staff-accounts': { allow: STAFF_ADMIN },
  'POST /staff/staff-accounts': { allow: STAFF_ADMIN },
  'PUT /staff/staff-accounts/{userId}/roles': {
    allow: STAFF_ADMIN,
    params: (w) => ({ userId: w.users.staff.id }),
    body: () => ({ roles: ['team'] }),
  },
  'GET /staff/practice-change-requests': { allow: STAFF },
  'GET /staff/support-requests': { allow: STAFF },
  'GET /staff/support-requests/{id}/screenshot': { allow: STAFF },
  'GET /staff/support-requests/{id}': { allow: STAFF },
  'POST /staff/support-requests/{id}/replies': { allow: STAFF },
  'POST /staff/support-requests/{id}/close': { allow: STAFF },
  'GET /staff/practice-change-requests/{id}': { allow: STAFF },
  'POST /staff/practice-change-requests/{id}/complete': { allow: STAFF },
  'POST /staff/practice-change-requests/{id}/reject': { allow: STAFF },
  'POST /staff/practices': { allow: STAFF },
  'GET /staff/practices/{practiceId}': { allow: STAFF, params: (w) => ({ practiceId: w.practice.id }) },
  'PATCH /staff/practices/{practiceId}': { allow: STAFF },
  'DELETE /staff/practices/{practiceId}/roster/{npi}': { allow: STAFF },
  'GET /staff/sponsor-validations': { allow: STAFF },
  'GET /staff/jobs': { allow: STAFF },

  // access requests and invitation tokens
  'POST /patients/{patientId}/access-requests': { allow: CLINICIANS },
  'GET /access-requests': { allow: CLINICIANS },
  'DELETE /access-requests/{id}': {
    allow: OWNER,
    expect: { otherProvider: NOT_THEIRS, sponsored: NOT_THEIRS, hospital: NOT_THEIRS },
  },
  'POST /tokens/validate': { allow: CLINICIANS },
  'POST /staff/invitations': { allow: STAFF },
  'GET /staff/invitations': { allow: STAFF },
  // the world's pending invitation (cancelled by the portal's row first: 409 invalid_state here)
  'DELETE /staff/invitations/{id}': { allow: STAFF },
  'GET /staff/patients/{patientId}/access-grants': { allow: STAFF },
  'DELETE /staff/access-grants/{id}': { allow: STAFF },
  'POST /staff/jobs/{name}/run': { allow: STAFF, params: () => ({ name: 'access-request-expiry' }) },

  // patients: search answers every clinician (not_authorized items carry no demographics);
  // the record and its documents only with a basis — otherProvider has none: 403 not_authorized
  'GET /patients': { allow: CLINICIANS, query: (w) => ({ mrn: w.patient.mrn }) },
  'GET /patients/{patientId}': { allow: RELATED, codes: { otherProvider: 'not_authorized' } },
  'GET /patients/{patientId}/documents': { allow: RELATED, codes: { otherProvider: 'not_authorized' } },
  'GET /me/patients': { allow: CLINICIANS },
  'POST /staff/practices/{practiceId}/roster': {
    allow: STAFF,
    params: (w) => ({ practiceId: w.otherPractice.id }),
    body: () => ({ npi: makeNpi() }),
  },
  'GET /staff/patients/{patientId}/access-log': { allow: [...STAFF, 'staffPrivacy'] },
  'GET /staff/patients': { allow: [...STAFF, 'staffPrivacy'], query: (w) => ({ mrn: w.patient.mrn }) },

  // privacy officer (role privacy)
  'GET /staff/audit-events': { allow: PRIVACY },
  'GET /staff/patients/{patientId}/disclosures': { allow: PRIVACY },
  'GET /staff/alerts': { allow: PRIVACY },
  'POST /staff/alerts/{id}/resolve': { allow: PRIVACY }, // a random id: 404 once past authorization

  // integration: EHR feed (a patient of its own, so the world's patient keeps its PCP)
  'PUT /integration/ehr/patients/{mrn}': { allow: EHR, params: () => ({ mrn: 'MRN-MATRIX-EHR' }) },
  'POST /integration/ehr/patients/{mrn}/documents': { allow: EHR },
  'GET /integration/ehr/pcp-changes': { allow: EHR },
  'POST /integration/ehr/pcp-changes/{id}/ack': { allow: EHR }, // a random id: 404 once past authorization

  // PCP updates
  'POST /patients/{patientId}/pcp-access-requests': { allow: CLINICIANS },
  'GET /pcp-access-requests': { allow: CLINICIANS },
  'DELETE /pcp-access-requests/{id}': {
    allow: OWNER,
    expect: { otherProvider: NOT_THEIRS, sponsored: NOT_THEIRS, hospital: NOT_THEIRS },
  },
  'GET /staff/pcp-updates': { allow: STAFF },
  'GET /staff/pcp-updates/{id}': { allow: STAFF },
  'POST /staff/pcp-updates/{id}/claim': { allow: STAFF },
  'POST /staff/pcp-updates/{id}/release': { allow: STAFF },
  'POST /staff/pcp-updates/{id}/confirmation': { allow: STAFF },
  'POST /staff/pcp-updates/{id}/complete': { allow: STAFF },
  'POST /staff/pcp-updates/{id}/reject': { allow: STAFF },

  // sponsorship (both world providers are local accounts enrolled as sponsors; the ids are the
  // related provider's sponsored users and open validation)
  'POST /sponsorship/enroll': {
    allow: SPONSORS,
    expect: { hospital: { status: 403, code: 'not_eligible' } },
  },
  'POST /sponsorship/sponsored-users': {
    allow: SPONSORS,
    expect: { hospital: { status: 403, code: 'not_a_sponsor' } },
  },
  'GET /sponsorship/sponsored-users': {
    allow: SPONSORS,
    expect: { hospital: { status: 403, code: 'not_a_sponsor' } },
  },
  'DELETE /sponsorship/sponsored-users/{id}': {
    allow: OWNER,
    expect: { otherProvider: NOT_THEIRS, hospital: { status: 403, code: 'not_a_sponsor' } },
  },
  'POST /sponsorship/sponsored-users/{id}/replace-email': {
    allow: OWNER,
    expect: { otherProvider: NOT_THEIRS, hospital: { status: 403, code: 'not_a_sponsor' } },
  },
  'GET /sponsorship/validation': {
    allow: [...SPONSORS, 'lockedSponsor'],
    expect: {
      otherProvider: NOT_THEIRS,
      lockedSponsor: NOT_THEIRS,
      hospital: { status: 403, code: 'not_a_sponsor' },
    },
  },
  'GET /sponsorship/validations': {
    allow: [...SPONSORS, 'lockedSponsor'],
    expect: { hospital: { status: 403, code: 'not_a_sponsor' } },
  },
  'POST /sponsorship/validation/{id}/complete': {
    allow: OWNER,
    expect: {
      otherProvider: NOT_THEIRS,
      lockedSponsor: NOT_THEIRS,
      hospital: { status: 403, code: 'not_a_sponsor' },
    },
  },

  // notifications (staff) and the queue dashboard (bull-board pages, outside the OpenAPI document)
  'GET /staff/notifications': { allow: STAFF },
  'POST /staff/notifications/{id}/retry': { allow: STAFF },
  // the web app: index.html for any other GET outside /api (404 when the app is not built)
  'GET {*any}': { allow: PUBLIC, undocumented: true, notFoundIsAnswer: true },
  'ALL /staff/queues': { allow: STAFF, undocumented: true, notFoundIsAnswer: true },
  'ALL /staff/queues/*path': { allow: STAFF, undocumented: true, notFoundIsAnswer: true },

  // integration: patient portal
  'GET /integration/portal/patients/{mrn}/access-requests': { allow: PORTAL },
  'POST /integration/portal/access-requests/{id}/decision': { allow: PORTAL },
  'GET /integration/portal/access-requests': { allow: PORTAL },
  // the world patient's request (withdrawn by its owner's row first: 409 request_not_pending here)
  'POST /integration/portal/patients/{mrn}/access-requests/{id}/decision': { allow: PORTAL },
  'GET /integration/portal/patients/{mrn}/viewers': { allow: PORTAL },
  // a grant of its own, so the staff row still revokes the provider's
  'DELETE /integration/portal/patients/{mrn}/access-grants/{grantId}': {
    allow: PORTAL,
    params: (w) => ({ mrn: w.patient.mrn, grantId: w.objects.portalGrantId }),
  },
  'GET /integration/portal/patients/{mrn}/invitations': { allow: PORTAL },
  'DELETE /integration/portal/patients/{mrn}/invitations/{id}': { allow: PORTAL },
  'PUT /integration/portal/patients/{mrn}/care-team': { allow: PORTAL },
  'POST /integration/portal/patients/{mrn}/invitations': { allow: PORTAL },
};

/** An `@All` handler answers every method: each is checked. */
const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Every id, MRN and name of the world: path values that name something real. */
function knownIds(w: SecurityWorld): Set<string> {
  return new Set([
    ...Object.values(w.objects),
    ...Object.values(w.users).map((u) => u.id),
    ...Object.values(w.targets).map((u) => u.id),
    w.patient.id,
    w.patient.mrn,
    w.practice.id,
    w.otherPractice.id,
    'access-request-expiry',
    'MRN-MATRIX-EHR',
  ]);
}

// ── expected denials ─────────────────────────────────────────────────────────────────────────
const NO_USER: Caller[] = ['anonymous', 'ehrKey', 'portalKey', 'forgedJwt', 'expiredJwt'];
const STATUS_CODES: Partial<Record<Caller, string>> = {
  lockedSponsor: 'account_locked',
  lockedSponsored: 'account_locked',
  lockedFailedLogins: 'account_locked',
  lockedByStaff: 'account_locked',
  deactivated: 'account_deactivated',
  pending: 'account_pending',
  pendingEmail: 'account_pending',
  invited: 'account_pending',
  rejected: 'account_pending',
};

/** The status (and code, where it is fixed) a caller who is not allowed must get. */
function expectedDenial(route: RouteInfo, caller: Caller): { status: 401 | 403; code?: string } {
  const keyScope = route.security.includes('ehr-key')
    ? 'ehrKey'
    : route.security.includes('portal-key')
      ? 'portalKey'
      : undefined;
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
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: await signInAccount(), password: TEST_PASSWORD });
      if (!res.body.mfaToken)
        throw new Error(`login for the mfa row failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.mfaToken as string;
    };
  });
  afterAll(async () => {
    console.log(
      `authorization matrix: ${routes?.length ?? 0} routes × ${CALLERS.length} callers = ${checked.length} requests checked`,
    );
    await t.close();
  });

  it('reads the routes from the running application, and every route is in the OpenAPI document unless the table says why not', () => {
    expect(routes.length).toBeGreaterThan(5);
    const declared = Object.entries(MATRIX)
      .filter(([, rule]) => rule.undocumented)
      .map(([key]) => key);
    expect(undocumented.sort()).toEqual(declared.sort());
  });

  it('has a row for every route the application registers, and no row for a route it lacks', () => {
    const keys = routes.map((r) => r.key);
    expect(keys.filter((k) => !MATRIX[k])).toEqual([]);
    expect(Object.keys(MATRIX).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it("lets nobody act on the related provider's objects but them: 404 for another provider or their own sponsored user, and the object is unchanged", async () => {
    const state = async () => ({
      sponsored: await t.dataSource.query(
        `SELECT status, email FROM users WHERE id = ANY($1::uuid[]) ORDER BY id`,
        [[w.targets.sponsoredOfSponsor.id, w.targets.sponsoredForEmail.id]],
      ),
      request: (
        await t.dataSource.query(`SELECT status FROM access_requests WHERE id = $1`, [
          w.objects.accessRequestId,
        ])
      )[0],
      validation: (
        await t.dataSource.query(`SELECT completed_at FROM sponsor_validations WHERE id = $1`, [
          w.objects.validationId,
        ])
      )[0],
    });
    const before = await state();
    expect(before.request).toEqual({ status: 'pending' });
    const decisions = [w.targets.sponsoredOfSponsor, w.targets.sponsoredForEmail, w.users.sponsored].map(
      (u) => ({ userId: u.id, keep: false }),
    );
    const attempts: Array<[Caller, 'delete' | 'post', string, object?]> = [];
    for (const caller of ['otherProvider', 'sponsored', 'hospital'] as const) {
      attempts.push([caller, 'delete', `/access-requests/${w.objects.accessRequestId}`]);
    }
    for (const caller of ['otherProvider'] as const) {
      attempts.push(
        [caller, 'delete', `/sponsorship/sponsored-users/${w.targets.sponsoredOfSponsor.id}`],
        [
          caller,
          'post',
          `/sponsorship/sponsored-users/${w.targets.sponsoredForEmail.id}/replace-email`,
          { newEmail: `taken-over-${Date.now()}@example.test` },
        ],
        [caller, 'post', `/sponsorship/validation/${w.objects.validationId}/complete`, { decisions }],
      );
    }
    const answers: string[] = [];
    for (const [caller, method, path, body] of attempts) {
      let req = t.http()[method](`/api/v1${path}`);
      for (const [k, v] of Object.entries(await w.headers(caller))) req = req.set(k, v);
      const res = await (body ? req.send(body) : req);
      answers.push(`${caller} ${method.toUpperCase()} ${path}: ${res.status} ${res.body?.code}`);
    }
    expect(answers).toEqual(
      attempts.map(([caller, method, path]) => `${caller} ${method.toUpperCase()} ${path}: 404 not_found`),
    );
    expect(await state()).toEqual(before);
  });

  it('answers every caller on every route with the expected class of status', async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      const rule = MATRIX[route.key];
      if (!rule) continue; // reported by the test above
      await clearThrottles(t); // each row starts with fresh throttling counters
      const methods = route.method === 'ALL' ? ALL_METHODS : [route.method];
      await Promise.all(
        methods.flatMap((method) =>
          CALLERS.map(async (caller) => {
            const { res, realIds } = await send(route, rule, caller, method);
            const key = route.method === 'ALL' ? `${route.key} (${method})` : route.key;
            checked.push(`${key} ${caller}`);
            const allowed = rule.allow === 'public' || rule.allow.includes(caller);
            const problem = /application\/problem\+json/.test(String(res.headers['content-type'] ?? ''));
            const ownAnswer =
              rule.allow === 'public' &&
              rule.bodyCredentialCode &&
              res.status === 401 &&
              res.body?.code === rule.bodyCredentialCode;
            const exact = rule.expect?.[caller];
            if (res.status >= 500) {
              mismatches.push(`${key} as ${caller}: ${res.status} ${res.body?.code ?? ''}`);
            } else if (exact) {
              if (res.status !== exact.status || (exact.code && res.body?.code !== exact.code)) {
                mismatches.push(
                  `${key} as ${caller}: expected ${exact.status} ${exact.code ?? ''}, got ${res.status} ${res.body?.code ?? ''}`,
                );
              }
            } else if (allowed) {
              if ((res.status === 401 || res.status === 403) && !ownAnswer)
                mismatches.push(`${key} as ${caller}: expected allowed, got ${res.status} ${res.body?.code}`);
              // With real ids a 404 means the object was not reached (or is shown to no one allowed).
              else if (res.status === 404 && realIds && !rule.notFoundIsAnswer)
                mismatches.push(`${key} as ${caller}: expected the object, got 404 ${res.body?.code ?? ''}`);
            } else {
              const want = expectedDenial(route, caller);
              if (rule.codes?.[caller]) want.code = rule.codes[caller];
              if (res.status !== want.status)
                mismatches.push(
                  `${key} as ${caller}: expected ${want.status}${want.code ? ` ${want.code}` : ''}, got ${res.status} ${res.body?.code ?? ''}`,
                );
              else if (want.code && res.body?.code !== want.code)
                mismatches.push(`${key} as ${caller}: expected code ${want.code}, got ${res.body?.code}`);
              else if (!problem)
                mismatches.push(`${key} as ${caller}: ${res.status} without application/problem+json`);
            }
          }),
        ),
      );
    }
    expect(mismatches).toEqual([]);
    const requests = routes.reduce((n, r) => n + (r.method === 'ALL' ? ALL_METHODS.length : 1), 0);
    expect(checked.length).toBe(requests * CALLERS.length);
  }, 120_000);

  async function send(route: RouteInfo, rule: Rule, caller: Caller, method = route.method) {
    const ctx: SampleContext = {
      mrn: w.patient.mrn,
      patientId: w.patient.id,
      practiceId: w.practice.id,
      userId: w.targets.pendingApproval.id,
      npi: w.users.provider.npi!,
    };
    const params: Record<string, string> = {};
    const real = realParams(w, route.key);
    for (const p of route.params.filter((p) => p.in === 'path'))
      params[p.name] = real[p.name] ?? randomUUID();
    Object.assign(params, rule.params?.(w));
    const realIds = Object.values(params).every((v) => knownIds(w).has(v));
    const query: Record<string, string> = {};
    for (const p of route.params.filter((p) => p.in === 'query' && p.required))
      query[p.name] = String(sampleValue(p.name, p.schema, ctx));
    Object.assign(query, rule.query?.(w));
    const body = rule.body ? await rule.body(w, ctx) : route.body ? sampleObject(route.body, ctx) : undefined;

    let req = t.http()[method.toLowerCase() as 'get'](fillPath(route.path, params)).query(query);
    for (const [k, v] of Object.entries(await w.headers(caller))) req = req.set(k, v);
    req = req.set(
      'x-forwarded-for',
      `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    );
    if (body !== undefined) req = req.send(body as object);
    return { res: await req.timeout(10000), realIds };
  }
});
