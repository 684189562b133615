import type { INestApplication, Type } from '@nestjs/common';
import { generate } from 'otplib';
import { DataSource } from 'typeorm';
import { SessionService } from '../../src/modules/identity/auth/session.service.js';
import type {
  LockReason,
  SponsoredRole,
  UserKind,
  UserStatus,
} from '../../src/modules/identity/entities/user.entity.js';
import { PasswordService } from '../../src/modules/identity/password.service.js';
import { UsersRepository } from '../../src/modules/identity/users.repository.js';
import type { ModuleTestContext } from '../support/module-test.js';
import type { TestContext } from '../support/test-app.js';
import { createPractice, makeNpi, TEST_PASSWORD, type UserOverrides, type UserRow } from './index.js';
import { openedData } from './notifications.js';

export const STRONG_PASSWORD = 'velvet tractor nebula pickle 93';

/** The TOTP code of `secret` at an instant (default: the test clock). */
export function totpAt(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000), period: 30, digits: 6 });
}

export interface NotificationRow {
  id: string;
  template: string;
  recipient: string;
  data: Record<string, unknown>;
}

/** Outbox rows (the email relay may not run in this branch; the rows are the contract with it). */
export async function notifications(
  ds: DataSource,
  filter: { template?: string; to?: string } = {},
): Promise<NotificationRow[]> {
  // One-time tokens are sealed at rest: open them as the sender would (tests read links from here).
  const found: NotificationRow[] = await ds.query(
    `SELECT id, template, recipient, data FROM notifications
      WHERE ($1::text IS NULL OR template = $1) AND ($2::text IS NULL OR recipient = lower($2)) ORDER BY created_at, id`,
    [filter.template ?? null, filter.to ?? null],
  );
  return found.map((row) => ({ ...row, data: openedData(row.data) }));
}

export async function lastNotification(
  ds: DataSource,
  template: string,
  to: string,
): Promise<NotificationRow> {
  const rows = await notifications(ds, { template, to });
  if (!rows.length) throw new Error(`no ${template} notification to ${to}`);
  return rows[rows.length - 1];
}

export async function auditActions(
  ds: DataSource,
  actorId: string | null,
): Promise<Array<{ action: string; outcome: string; details: Record<string, unknown> }>> {
  return ds.query(
    'SELECT action, outcome, details FROM audit_events WHERE actor_id IS NOT DISTINCT FROM $1 ORDER BY id',
    [actorId],
  );
}

export function registrationBody(overrides: Record<string, unknown> = {}) {
  const tag = Math.random().toString(36).slice(2, 8);
  return {
    email: `dr.${tag}@clinic.example`,
    password: STRONG_PASSWORD,
    firstName: 'Dana',
    lastName: 'Reyes',
    npi: makeNpi(),
    newPractice: {
      name: `Harbor Pediatrics ${tag}`,
      address: '12 Elm St, Newton, MA 02458',
      phone: '617-555-0142',
      fax: '617-555-0143',
    },
    ...overrides,
  };
}

/**
 * Signs in with password + TOTP (enrolling at the first sign-in) and returns the tokens.
 * The secret is returned too, so later sign-ins can produce codes.
 */
export async function signIn(t: TestContext, email: string, password = TEST_PASSWORD, knownSecret?: string) {
  const login = await t.http().post('/api/v1/auth/login').send({ email, password });
  if (login.status !== 200) throw new Error(`login ${login.status} ${JSON.stringify(login.body)}`);
  const secret: string = login.body.secret ?? knownSecret;
  if (!secret) throw new Error('no TOTP secret known for this account');
  const code = await totpAt(secret, t.clock.now());
  const mfa = await t.http().post('/api/v1/auth/mfa').send({ mfaToken: login.body.mfaToken, code });
  if (mfa.status !== 200) throw new Error(`mfa ${mfa.status} ${JSON.stringify(mfa.body)}`);
  // The step just used is spent: move past it so the next sign-in in the test gets a fresh code.
  t.clock.advance(30_000);
  return {
    ...(mfa.body as {
      accessToken: string;
      refreshToken: string;
      expiresIn: number;
      user: Record<string, unknown>;
    }),
    secret,
  };
}

/** The test app or a module test: both resolve providers. */
type Container = INestApplication | ModuleTestContext;
const resolve = <T>(app: Container, token: Type<T>): T => (app as { get(token: Type<T>): T }).get(token);

/**
 * One argon2id hash per password per test process: hashing costs ~30 ms of CPU (OWASP parameters)
 * and the suite creates thousands of accounts. A shared salt across test accounts changes nothing
 * the tests look at: each hash still verifies its password through PasswordService.
 */
const hashesByPassword = new Map<string, Promise<string>>();
const passwordHash = (app: Container, password: string): Promise<string> => {
  let hash = hashesByPassword.get(password);
  if (!hash) {
    hash = resolve(app, PasswordService).hash(password);
    hashesByPassword.set(password, hash);
    // A failed hash is not kept (the next account asks again).
    hash.catch(() => hashesByPassword.delete(password));
  }
  return hash;
};

let userSequence = 0;
const nextTag = () =>
  `${Date.now().toString(36)}${(++userSequence).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * Creates an account through identity's repository (bypassing registration), for tests of other
 * capabilities. A provider gets a new practice unless `practiceId` is given; the password is
 * TEST_PASSWORD unless `password` says otherwise (null: none, as an invited or SSO account).
 */
export async function createUser(
  app: Container,
  kind: UserKind,
  overrides: UserOverrides = {},
): Promise<UserRow> {
  const tag = nextTag();
  let practiceId = overrides.practiceId;
  if (practiceId === undefined && kind === 'provider')
    practiceId = (await createPractice(resolve(app, DataSource))).id;
  const npi = overrides.npi !== undefined ? overrides.npi : kind === 'provider' ? makeNpi() : null;
  const password = overrides.password === undefined ? TEST_PASSWORD : overrides.password;
  const email = (overrides.email ?? `${kind}-${tag}@example.test`).toLowerCase();
  const firstName = overrides.firstName ?? 'Test';
  const lastName = overrides.lastName ?? `User${tag}`;
  // Wall-clock time, as the database default was: rows created in one test keep their creation order.
  const now = overrides.createdAt ?? new Date();
  const created = await resolve(app, UsersRepository).insert({
    kind,
    email,
    passwordHash: password ? await passwordHash(app, password) : null,
    firstName,
    lastName,
    npi,
    practiceId: practiceId ?? null,
    sponsorId: overrides.sponsorId ?? null,
    sponsoredRole:
      overrides.sponsoredRole ?? (kind === 'sponsored' ? ('registered_nurse' satisfies SponsoredRole) : null),
    isSponsor: overrides.isSponsor ?? false,
    hospitalId: overrides.hospitalId ?? null,
    status: overrides.status ?? ('active' satisfies UserStatus),
    lockReason: overrides.lockReason ?? (null as LockReason | null),
    totpSecret: overrides.totpSecret ?? null,
    emailVerifiedAt: now,
    approvedAt: now,
    roles: overrides.roles,
    now,
  });
  if (!created) throw new Error(`createUser: ${email} is already taken`);
  return {
    id: created.id,
    email,
    kind,
    npi,
    practiceId: practiceId ?? null,
    sponsorId: overrides.sponsorId ?? null,
    firstName,
    lastName,
  };
}

/** Opens a session for the user through SessionService and returns a bearer access token (skips password and TOTP). */
export async function tokenFor(app: Container, user: { id: string; kind: string }): Promise<string> {
  const tokens = await resolve(app, SessionService).open(
    resolve(app, DataSource).manager,
    user,
    'password_totp',
  );
  return tokens.accessToken;
}
