import { emailedToken } from './support/smtp-sink.js';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, tokenFor } from './factories/index.js';
import { auditActions, lastNotification, notifications, registrationBody } from './factories/identity.js';
import { clearThrottles } from './support/security-world.js';

const DAY = 24 * 60 * 60 * 1000;

/** POST /auth/verify-email/resend and the seven-day release of unverified registrations (API.md v1.1). */
describe('verify-email resend and the seven-day release', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const register = (body: Record<string, unknown>) => t.http().post('/api/v1/auth/register').send(body);
  const resend = (email: string) => t.http().post('/api/v1/auth/verify-email/resend').send({ email });
  const verify = (token: string) => t.http().post('/api/v1/auth/verify-email').send({ token });

  it('answers 202 for any address, and emails a fresh link (earlier ones void) only while the registration awaits its email', async () => {
    const body = registrationBody();
    const reg = await register(body);
    expect(reg.status).toBe(201);
    const first = await emailedToken(
      t.smtp,
      (await lastNotification(t.dataSource, 'verify-email', body.email)).id,
    );
    t.clock.advance(1000);
    const res = await resend(body.email.toUpperCase());
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted' });
    const sent = await notifications(t.dataSource, { template: 'verify-email', to: body.email });
    expect(sent).toHaveLength(2);
    const second = await emailedToken(t.smtp, sent[1].id);
    expect(second).not.toBe(first);
    expect((await verify(first)).body.code).toBe('invalid_token');
    expect((await verify(second)).body).toEqual({ status: 'pending_approval' });
    expect((await auditActions(t.dataSource, reg.body.userId)).map((a) => a.action)).toContain(
      'auth.verify_email_resent',
    );

    // Verified now, an active account, an unknown address: the same 202 and no email.
    expect((await resend(body.email)).status).toBe(202);
    const active = await createUser(t.app, 'provider');
    expect((await resend(active.email)).status).toBe(202);
    expect((await resend('nobody.here@clinic.test')).status).toBe(202);
    expect(await notifications(t.dataSource, { template: 'verify-email', to: body.email })).toHaveLength(2);
    expect(await notifications(t.dataSource, { template: 'verify-email', to: active.email })).toHaveLength(0);
    expect((await t.http().post('/api/v1/auth/verify-email/resend').send({})).body.code).toBe(
      'validation_failed',
    );
  });

  it('throttles per address (429 with Retry-After), whether or not it has an account', async () => {
    await clearThrottles(t);
    const email = 'throttled.resend@clinic.test';
    for (let i = 0; i < 5; i++) expect((await resend(email)).status).toBe(202);
    const limited = await resend(email);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await resend('another.address@clinic.test')).status).toBe(202);
    await clearThrottles(t);
  });

  it('after seven days a pending registration cannot be verified and no longer holds its email or NPI', async () => {
    const body = registrationBody();
    const reg = await register(body);
    expect(reg.status).toBe(201);
    const link = await emailedToken(
      t.smtp,
      (await lastNotification(t.dataSource, 'verify-email', body.email)).id,
    );
    // Within the seven days the email and the NPI are still held.
    t.clock.advance(7 * DAY - 60_000);
    expect((await register({ ...registrationBody(), email: body.email })).body.code).toBe('email_taken');
    expect((await register({ ...registrationBody(), npi: body.npi })).body.code).toBe('npi_taken');
    // A link resent on day 6 still works on day 6 …
    await resend(body.email);
    const late = await emailedToken(
      t.smtp,
      (await notifications(t.dataSource, { template: 'verify-email', to: body.email })).at(-1)!.id,
    );
    t.clock.advance(60_000);
    // … but not once the seven days are over, whatever the link's own expiry.
    expect((await verify(late)).body.code).toBe('invalid_token');
    expect((await verify(link)).body.code).toBe('invalid_token');
    expect((await resend(body.email)).status).toBe(202);
    expect(await notifications(t.dataSource, { template: 'verify-email', to: body.email })).toHaveLength(2);

    const again = await register({ ...registrationBody(), email: body.email, npi: body.npi });
    expect(again.status).toBe(201);
    expect(again.body.userId).not.toBe(reg.body.userId);
    const [old] = await t.dataSource.query('SELECT email, npi, status FROM users WHERE id = $1', [
      reg.body.userId,
    ]);
    expect(old).toEqual({ email: `${reg.body.userId}@released.invalid`, npi: null, status: 'pending_email' });
    const fresh = await emailedToken(
      t.smtp,
      (await notifications(t.dataSource, { template: 'verify-email', to: body.email })).at(-1)!.id,
    );
    expect((await verify(fresh)).body).toEqual({ status: 'pending_approval' });
  });

  it('a stale registration does not block a staff account or a sponsored invitation with its email either', async () => {
    const body = registrationBody();
    expect((await register(body)).status).toBe(201);
    t.clock.advance(7 * DAY + 1000);
    const admin = await createUser(t.app, 'staff', { roles: ['admin'] });
    const res = await t
      .http()
      .post('/api/v1/staff/staff-accounts')
      .set('authorization', `Bearer ${await tokenFor(t.app, admin)}`)
      .send({ email: body.email, firstName: 'Sam', lastName: 'Ode', roles: ['team'] });
    expect(res.status).toBe(201);

    const other = registrationBody();
    expect((await register(other)).status).toBe(201);
    t.clock.advance(7 * DAY + 1000);
    const sponsor = await createUser(t.app, 'provider', { isSponsor: true });
    const invite = await t
      .http()
      .post('/api/v1/sponsorship/sponsored-users')
      .set('authorization', `Bearer ${await tokenFor(t.app, sponsor)}`)
      .send({ email: other.email, firstName: 'Jo', lastName: 'Kim', role: 'other' });
    expect(invite.status).toBe(201);
  });
});
