import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import type { TestContext } from './test-app.js';
import { SessionService } from '../../src/modules/identity/auth/session.service.js';
import { hospitalDate } from '../../src/common/time/hospital-time.js';
import { SupportRequestsRepository } from '../../src/modules/identity/support-requests.repository.js';
import { InvitationsService } from '../../src/modules/tokens/index.js';
import {
  createPatient,
  createPractice,
  createUser,
  makeNpi,
  tokenFor,
  type UserRow,
} from '../factories/index.js';
import { insertAccessRequest } from '../factories/access-requests.js';
import { recordNotification } from '../factories/notifications.js';
import { grantAccess } from '../factories/patient-access.js';
import { createPcpUpdateRequest } from '../factories/pcp-updates.js';
import { openValidation } from '../factories/sponsorship.js';

/**
 * Every kind of caller the security suites send requests as. "provider" has a relationship to
 * the world's patient (the patient's PCP is a physician of the provider's practice; the provider
 * is also on the care team); "otherProvider" has none. "sponsored" is a sponsored user of the
 * related provider (same practice, so the PCP-practice basis applies). "hospital" is an active
 * hospital-credentialed provider (SSO only, may not sponsor); "lockedSponsored" is a sponsored user
 * of the locked sponsor, locked with them for the overdue validation (not a sponsor itself).
 */
export const CALLERS = [
  'anonymous',
  'provider',
  'otherProvider',
  'sponsored',
  'lockedSponsor',
  'lockedFailedLogins',
  'lockedByStaff',
  'deactivated',
  'pending',
  'pendingEmail',
  'invited',
  'rejected',
  'hospital',
  'lockedSponsored',
  'staff',
  'staffPrivacy',
  'staffAdmin',
  'ehrKey',
  'portalKey',
  'forgedJwt',
  'expiredJwt',
] as const;
export type Caller = (typeof CALLERS)[number];

/** Callers that present a user's bearer token of a real account (any status). */
export const BEARER_ACCOUNTS: readonly Caller[] = [
  'provider',
  'otherProvider',
  'sponsored',
  'lockedSponsor',
  'lockedFailedLogins',
  'lockedByStaff',
  'deactivated',
  'pending',
  'pendingEmail',
  'invited',
  'rejected',
  'hospital',
  'lockedSponsored',
  'staff',
  'staffPrivacy',
  'staffAdmin',
];

export interface SecurityWorld {
  users: Record<Exclude<Caller, 'anonymous' | 'ehrKey' | 'portalKey' | 'forgedJwt' | 'expiredJwt'>, UserRow>;
  practice: { id: string; name: string };
  otherPractice: { id: string; name: string };
  patient: { id: string; mrn: string; firstName: string; lastName: string; dob: string };
  /** Accounts that routes acting on another user (approve, unlock, deactivate) may point at. */
  targets: {
    pendingApproval: UserRow;
    locked: UserRow;
    sponsoredOfSponsor: UserRow;
    sponsoredForEmail: UserRow;
  };
  /**
   * Real objects for `{id}` parameters (so an allowed caller gets an answer about the object, not
   * a 404 for a random id), each belonging to the related provider or their patient.
   */
  objects: {
    /** The provider's pending non-PCP access request for the patient. */
    accessRequestId: string;
    /** Another pending request of the provider, for the portal's decision. */
    decisionRequestId: string;
    /** An open PCP-update request of the provider. */
    pcpRequestId: string;
    /** Another open PCP-update request of the provider (for a third patient), for the provider's own withdrawal. */
    ownPcpRequestId: string;
    /** A pending invitation to the world's patient (the portal and staff may cancel it). */
    invitationId: string;
    /** A token grant of the provider to the world's patient (the portal and staff may revoke it). */
    grantId: string;
    /** A token grant of an account outside the callers to the world's patient, for the portal's revocation (the staff row keeps `grantId`). */
    portalGrantId: string;
    /** A notification to the provider. */
    notificationId: string;
    /** The provider's support request, with a screenshot. */
    supportRequestId: string;
    /** The provider's open sponsor validation (listing their sponsored users). */
    validationId: string;
  };
  /** Fresh request headers for a caller (a new session per call, so logout and revocations cannot leak between requests). */
  headers(caller: Caller): Promise<Record<string, string>>;
  /** Same, but reuses one session per caller until `forget(caller)` (for high request volumes). */
  cachedHeaders(caller: Caller): Promise<Record<string, string>>;
  forget(caller: Caller): void;
  /** A fresh, unspent refresh token of a new session of the related provider. */
  refreshToken(): Promise<string>;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  secret: string,
): string {
  const unsigned = `${b64(header)}.${b64(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

export async function buildSecurityWorld(t: TestContext): Promise<SecurityWorld> {
  const practice = await createPractice(t.dataSource, { name: `Security Pediatrics ${Date.now()}` });
  const otherPractice = await createPractice(t.dataSource);
  const provider = await createUser(t.app, 'provider', {
    practiceId: practice.id,
    isSponsor: true,
    password: null,
  });
  const patient = await createPatient(t.dataSource, {
    pcpNpi: provider.npi,
    careTeamNpis: [provider.npi!],
    hasPortalAccount: true,
  });
  const mk = (kind: 'provider' | 'sponsored' | 'staff', o: Parameters<typeof createUser>[2] = {}) =>
    createUser(t.app, kind, { password: null, ...o });
  const users = {
    provider,
    otherProvider: await mk('provider', { practiceId: otherPractice.id, isSponsor: true }),
    sponsored: await mk('sponsored', { sponsorId: provider.id, practiceId: practice.id }),
    lockedSponsor: await mk('provider', {
      practiceId: practice.id,
      isSponsor: true,
      status: 'locked',
      lockReason: 'validation_overdue',
    }),
    lockedFailedLogins: await mk('provider', {
      practiceId: practice.id,
      status: 'locked',
      lockReason: 'failed_logins',
    }),
    lockedByStaff: await mk('provider', { practiceId: practice.id, status: 'locked', lockReason: 'staff' }),
    deactivated: await mk('provider', { practiceId: practice.id, status: 'deactivated' }),
    pending: await mk('provider', { practiceId: otherPractice.id, status: 'pending_approval' }),
    pendingEmail: await mk('provider', { practiceId: otherPractice.id, status: 'pending_email' }),
    invited: await mk('sponsored', { sponsorId: provider.id, practiceId: practice.id, status: 'invited' }),
    rejected: await mk('provider', { practiceId: otherPractice.id, status: 'rejected' }),
    hospital: await mk('provider', { practiceId: practice.id, hospitalId: `CH${Date.now()}` }),
    lockedSponsored: undefined as unknown as UserRow, // below: needs the locked sponsor's id
    // Staff roles (API.md v1.1): `staff` has `team`; these have only `privacy` or only `admin`.
    staff: await mk('staff', { roles: ['team'] }),
    staffPrivacy: await mk('staff', { roles: ['privacy'] }),
    staffAdmin: await mk('staff', { roles: ['admin'] }),
  };
  users.lockedSponsored = await mk('sponsored', {
    sponsorId: users.lockedSponsor.id,
    practiceId: practice.id,
    status: 'locked',
    lockReason: 'validation_overdue',
  });
  const targets = {
    pendingApproval: await mk('provider', { status: 'pending_approval', npi: makeNpi() }),
    locked: await mk('provider', { status: 'locked', lockReason: 'failed_logins' }),
    sponsoredOfSponsor: await mk('sponsored', { sponsorId: provider.id, practiceId: practice.id }),
    sponsoredForEmail: await mk('sponsored', { sponsorId: provider.id, practiceId: practice.id }),
  };

  const now = t.clock.now();
  const otherPatient = await createPatient(t.dataSource, { hasPortalAccount: true });
  const screenshot = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
    'hex',
  );
  const objects = {
    accessRequestId: await insertAccessRequest(t.dataSource, {
      requesterId: provider.id,
      patientId: patient.id,
      createdAt: now,
    }),
    decisionRequestId: await insertAccessRequest(t.dataSource, {
      requesterId: provider.id,
      patientId: otherPatient.id,
      createdAt: now,
    }),
    pcpRequestId: (await createPcpUpdateRequest(t.app, provider, otherPatient.id)).id,
    ownPcpRequestId: (await createPcpUpdateRequest(t.app, provider, (await createPatient(t.dataSource)).id))
      .id,
    invitationId: (
      await t.app
        .get(InvitationsService)
        .issue(patient.mrn, `invited-${Date.now()}@example.test`, { kind: 'portal' })
    ).id,
    grantId: await grantAccess(t.dataSource, {
      userId: provider.id,
      patientId: patient.id,
      basis: 'token',
      createdAt: now,
    }),
    portalGrantId: await grantAccess(t.dataSource, {
      userId: (await mk('provider', { practiceId: otherPractice.id })).id,
      patientId: patient.id,
      basis: 'token',
      createdAt: now,
    }),
    notificationId: await recordNotification(t.app, { to: provider.email }),
    supportRequestId: await t.app.get(SupportRequestsRepository).insert({
      userId: provider.id,
      loginEmail: provider.email,
      name: 'Security Provider',
      description: 'The patient list does not load.',
      screenshot: { bytes: screenshot, type: 'image/png' },
      dueAt: new Date(now.getTime() + 2 * 86_400_000),
      createdAt: now,
    }),
    validationId: await openValidation(
      t.app,
      provider,
      [users.sponsored, targets.sponsoredOfSponsor, targets.sponsoredForEmail],
      hospitalDate(now),
    ),
  };

  // Claims of a genuine staff token: the forged one carries them signed with another key, the
  // expired one is signed with the right key but ran out an hour ago.
  const staffToken = await tokenFor(t.app, users.staff);
  const claims = JSON.parse(Buffer.from(staffToken.split('.')[1], 'base64url').toString()) as Record<
    string,
    unknown
  >;
  const past = Math.floor(Date.now() / 1000) - 3600;
  const forged = signJwt({ alg: 'HS256', typ: 'JWT' }, claims, 'an-attacker-secret-of-32-characters!!');
  const expired = signJwt(
    { alg: 'HS256', typ: 'JWT' },
    { ...claims, iat: past - 900, exp: past },
    t.config.jwtSecret,
  );

  const headers = async (caller: Caller): Promise<Record<string, string>> => {
    switch (caller) {
      case 'anonymous':
        return {};
      case 'ehrKey':
        return { 'x-api-key': t.config.ehrApiKey };
      case 'portalKey':
        return { 'x-api-key': t.config.portalApiKey };
      case 'forgedJwt':
        return { authorization: `Bearer ${forged}` };
      case 'expiredJwt':
        return { authorization: `Bearer ${expired}` };
      default:
        return { authorization: `Bearer ${await tokenFor(t.app, users[caller])}` };
    }
  };
  const cache = new Map<Caller, Record<string, string>>();
  const cachedHeaders = async (caller: Caller) => {
    let h = cache.get(caller);
    if (!h) cache.set(caller, (h = await headers(caller)));
    return h;
  };
  const refreshToken = async () =>
    (await t.app.get(SessionService).open(t.dataSource.manager, provider, 'password_totp')).refreshToken;
  return {
    users,
    practice,
    otherPractice,
    patient,
    targets,
    objects,
    headers,
    cachedHeaders,
    forget: (caller) => cache.delete(caller),
    refreshToken,
  };
}

/** Deletes the throttling counters of this test app's Redis prefix. */
export async function clearThrottles(t: TestContext): Promise<void> {
  const redis = new Redis(t.config.redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${t.config.redisPrefix}:rl:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Path parameter values for a route (key as in the matrix, e.g. `DELETE /staff/access-grants/{id}`):
 * real objects of the world, so the request is about something that exists.
 */
export function realParams(w: SecurityWorld, key: string): Record<string, string> {
  const o = w.objects;
  const ids: Array<[RegExp, string]> = [
    [/\/sponsorship\/sponsored-users\/\{id\}\/replace-email/, w.targets.sponsoredForEmail.id],
    [/\/sponsorship\/sponsored-users\/\{id\}/, w.targets.sponsoredOfSponsor.id],
    [/\/sponsorship\/validation\/\{id\}/, o.validationId],
    [/\/integration\/portal\/access-requests\/\{id\}/, o.decisionRequestId],
    [/\/access-requests\/\{id\}/, o.accessRequestId],
    [/\/pcp-access-requests\/\{id\}/, o.ownPcpRequestId],
    [/\/invitations\/\{id\}/, o.invitationId],
    [/\/staff\/pcp-updates\/\{id\}/, o.pcpRequestId],
    [/\/staff\/access-grants\/\{id\}/, o.grantId],
    [/\/staff\/notifications\/\{id\}/, o.notificationId],
    [/\/staff\/support-requests\/\{id\}/, o.supportRequestId],
  ];
  const out: Record<string, string> = {
    mrn: w.patient.mrn,
    patientId: w.patient.id,
    userId: w.targets.pendingApproval.id,
    practiceId: w.otherPractice.id,
    name: 'access-request-expiry',
  };
  const id = ids.find(([pattern]) => pattern.test(key))?.[1];
  if (id) out.id = id;
  out.grantId = o.grantId;
  return out;
}
