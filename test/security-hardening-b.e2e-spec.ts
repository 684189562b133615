/**
 * Security hardening, issue 18 part B (items 5 and 7): each test fails on the code before its fix.
 * Item 6 (SSO bound to the browser, acr/amr, one-time code) is in test/identity-sso.e2e-spec.ts,
 * against the in-process oidc-provider there.
 */
import { jest } from '@jest/globals';
import { createPatient, createUser, TEST_PASSWORD, tokenFor } from './factories/index.js';
import { invitationToken } from './factories/access-requests.js';
import { linkToken } from './support/smtp-sink.js';
import { createTestApp, type TestContext } from './support/test-app.js';

jest.setTimeout(60_000);

const api = '/api/v1';
let ipSeq = 1;
const freshIp = () => `203.0.113.${ipSeq++}`;

describe('security hardening, part B (issue 18)', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const login = (email: string, password: string, ip = '192.0.2.10') =>
    t.http().post(`${api}/auth/login`).set('x-forwarded-for', ip).send({ email, password });
  const row = async (id: string) =>
    (
      await t.dataSource.query(
        'SELECT status, lock_reason, failed_login_count, locked_until FROM users WHERE id = $1',
        [id],
      )
    )[0];

  describe('item 5: lockout in every state, without enumeration', () => {
    it.each([
      ['pending_approval', { status: 'pending_approval' as const }],
      ['deactivated', { status: 'deactivated' as const }],
      [
        'validation-locked sponsor',
        { status: 'locked' as const, lockReason: 'validation_overdue' as const, isSponsor: true },
      ],
    ])(
      'counts failed sign-ins of a %s account and locks it after five: the right password then gets the wrong-password answer',
      async (_label, state) => {
        const user = await createUser(t.app, 'provider', state);
        for (let i = 0; i < 5; i++) {
          const res = await login(user.email, `wrong guess number ${i}`);
          expect(res.status).toBe(401);
          expect(res.body.code).toBe('invalid_credentials');
        }
        const right = await login(user.email, TEST_PASSWORD);
        expect(`${right.status} ${right.body.code}`).toBe('401 invalid_credentials');
        const after = await row(user.id);
        expect(after.status).toBe(state.status); // the state itself is kept
        expect(after.failed_login_count).toBe(5);
        expect(new Date(after.locked_until).getTime()).toBe(t.clock.now().getTime() + 15 * 60_000);
        // Once the lock is over, the right password is told the account's state again.
        t.clock.advance(15 * 60_000);
        const later = await login(user.email, TEST_PASSWORD);
        expect(later.status).toBe(state.status === 'locked' ? 200 : 403);
        expect((await row(user.id)).failed_login_count).toBe(0);
      },
    );

    it('answers a failed-sign-in lock exactly like a wrong password, whatever the password, and checks none', async () => {
      const user = await createUser(t.app, 'provider');
      for (let i = 0; i < 5; i++) expect((await login(user.email, `wrong guess ${i}`)).status).toBe(401);
      expect(await row(user.id)).toMatchObject({ status: 'locked', lock_reason: 'failed_logins' });
      const unknown = await login(`nobody-${Date.now()}@example.test`, 'wrong guess x');
      for (const password of ['another wrong guess', TEST_PASSWORD]) {
        const res = await login(user.email, password);
        expect(res.status).toBe(unknown.status);
        expect(res.body).toEqual(unknown.body);
      }
      // Unchecked: the count did not move, and the refusals are audited as denied.
      expect((await row(user.id)).failed_login_count).toBe(5);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE actor_id = $1 AND action = 'auth.login' AND outcome = 'denied'`,
        [user.id],
      );
      expect(n).toBe(2);
    });

    it('emails the owner an unlock link (/unlock?token=) that lifts the lock at once, once', async () => {
      const user = await createUser(t.app, 'provider');
      for (let i = 0; i < 5; i++) await login(user.email, `wrong guess ${i}`);
      const mail = await t.smtp.waitForTo(user.email, 'locked');
      const token = linkToken(mail, 'unlock');
      expect(mail.text).toContain(`https://portal.test/unlock?token=${token}`);

      const unlocked = await t.http().post(`${api}/auth/unlock`).send({ token });
      expect(unlocked.status).toBe(204);
      expect(await row(user.id)).toMatchObject({
        status: 'active',
        lock_reason: null,
        failed_login_count: 0,
        locked_until: null,
      });
      const res = await login(user.email, TEST_PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body.status).toMatch(/^mfa_/);

      const again = await t.http().post(`${api}/auth/unlock`).send({ token });
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('invalid_token');
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE actor_id = $1 AND action = 'auth.unlock' AND details->>'by' = 'owner_link'`,
        [user.id],
      );
      expect(n).toBe(1);
    });
  });

  describe('item 7: the per-address token throttle never blocks a correct pair alone', () => {
    it('lets a correct token and MRN through from an address whose failure budget is spent, and answers its wrong pairs 429', async () => {
      const patient = await createPatient(t.dataSource);
      const recipientEmail = `dr-${Date.now()}@clinic.test`;
      const staff = await createUser(t.app, 'staff');
      const issued = await t
        .http()
        .post(`${api}/staff/invitations`)
        .set('authorization', `Bearer ${await tokenFor(t.app, staff)}`)
        .send({ mrn: patient.mrn, recipientEmail });
      expect(issued.status).toBe(201);
      const token = await invitationToken(t, issued.body.id);
      const ip = freshIp();
      const validate = async (user: Awaited<ReturnType<typeof createUser>>, body: Record<string, unknown>) =>
        t
          .http()
          .post(`${api}/tokens/validate`)
          .set('authorization', `Bearer ${await tokenFor(t.app, user)}`)
          .set('x-forwarded-for', ip)
          .send(body);
      // A guesser behind the practice's NAT spends the address's 30 failures over six accounts.
      for (let u = 0; u < 6; u++) {
        const guesser = await createUser(t.app, 'provider');
        for (let i = 0; i < 5; i++)
          expect((await validate(guesser, { token: 'g'.repeat(43), mrn: patient.mrn })).status).toBe(400);
      }
      const colleague = await createUser(t.app, 'provider', { email: recipientEmail });
      const wrong = await validate(colleague, { token: 'h'.repeat(43), mrn: patient.mrn });
      expect(wrong.status).toBe(429);
      const right = await validate(colleague, { token, mrn: patient.mrn });
      expect(right.status).toBe(200);
      expect(right.body.patientId).toBe(patient.id);
    });
  });
});
