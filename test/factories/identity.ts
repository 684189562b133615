import { generate } from 'otplib';
import type { DataSource } from 'typeorm';
import type { TestContext } from '../support/test-app.js';
import { makeNpi, TEST_PASSWORD } from './index.js';

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
export async function notifications(ds: DataSource, filter: { template?: string; to?: string } = {}): Promise<NotificationRow[]> {
  return ds.query(
    `SELECT id, template, recipient, data FROM notifications
      WHERE ($1::text IS NULL OR template = $1) AND ($2::text IS NULL OR recipient = lower($2)) ORDER BY created_at, id`,
    [filter.template ?? null, filter.to ?? null],
  );
}

export async function lastNotification(ds: DataSource, template: string, to: string): Promise<NotificationRow> {
  const rows = await notifications(ds, { template, to });
  if (!rows.length) throw new Error(`no ${template} notification to ${to}`);
  return rows[rows.length - 1];
}

export async function auditActions(ds: DataSource, actorId: string | null): Promise<Array<{ action: string; outcome: string; details: Record<string, unknown> }>> {
  return ds.query('SELECT action, outcome, details FROM audit_events WHERE actor_id IS NOT DISTINCT FROM $1 ORDER BY id', [actorId]);
}

export function registrationBody(overrides: Record<string, unknown> = {}) {
  const tag = Math.random().toString(36).slice(2, 8);
  return {
    email: `dr.${tag}@clinic.example`,
    password: STRONG_PASSWORD,
    firstName: 'Dana',
    lastName: 'Reyes',
    npi: makeNpi(),
    newPractice: { name: `Harbor Pediatrics ${tag}`, address: '12 Elm St, Newton, MA 02458', phone: '617-555-0142', fax: '617-555-0143' },
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
  return { ...(mfa.body as { accessToken: string; refreshToken: string; expiresIn: number; user: Record<string, unknown> }), secret };
}
