import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, TEST_PASSWORD, tokenFor } from './factories/index.js';
import {
  auditActions,
  lastNotification,
  notifications,
  signIn,
  STRONG_PASSWORD,
} from './factories/identity.js';
import { createSponsor, createSponsoredUsers, openValidation } from './factories/sponsorship.js';

/** The caller's own account (API.md v1.1): password change, sessions, the locked-sponsor allow-list. */
describe('me: password and sessions', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (path: string) => t.http().get(`/api/v1${path}`).set('authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) =>
      t.http().post(`/api/v1${path}`).set('authorization', `Bearer ${token}`).send(body),
    delete: (path: string) => t.http().delete(`/api/v1${path}`).set('authorization', `Bearer ${token}`),
  });

  describe('POST /me/password', () => {
    it('changes the password: 204, every other session ended, the owner emailed, the new password signs in', async () => {
      const user = await createUser(t.app, 'provider');
      const current = await tokenFor(t.app, user);
      const other = await tokenFor(t.app, user);
      const res = await as(current).post('/me/password', {
        currentPassword: TEST_PASSWORD,
        newPassword: STRONG_PASSWORD,
      });
      expect(res.status).toBe(204);
      expect((await as(other).get('/me')).status).toBe(401);
      expect((await as(current).get('/me')).status).toBe(200);
      expect(await lastNotification(t.dataSource, 'password-changed', user.email)).toBeTruthy();
      expect(
        (await t.http().post('/api/v1/auth/login').send({ email: user.email, password: TEST_PASSWORD }))
          .status,
      ).toBe(401);
      expect(
        (await t.http().post('/api/v1/auth/login').send({ email: user.email, password: STRONG_PASSWORD }))
          .status,
      ).toBe(200);
      expect((await auditActions(t.dataSource, user.id)).map((a) => a.action)).toContain(
        'auth.password_change',
      );
    });

    it('400 invalid_password for a wrong current password, counted as a failed sign-in (the fifth locks the account)', async () => {
      const user = await createUser(t.app, 'provider');
      const token = await tokenFor(t.app, user);
      for (let i = 1; i <= 4; i++) {
        const res = await as(token).post('/me/password', {
          currentPassword: 'not the password at all',
          newPassword: STRONG_PASSWORD,
        });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('invalid_password');
      }
      const [row] = await t.dataSource.query('SELECT failed_login_count, status FROM users WHERE id = $1', [
        user.id,
      ]);
      expect(row).toEqual({ failed_login_count: 4, status: 'active' });
      expect(
        (
          await as(token).post('/me/password', {
            currentPassword: 'wrong again',
            newPassword: STRONG_PASSWORD,
          })
        ).body.code,
      ).toBe('invalid_password');
      const [locked] = await t.dataSource.query('SELECT status, lock_reason FROM users WHERE id = $1', [
        user.id,
      ]);
      expect(locked).toEqual({ status: 'locked', lock_reason: 'failed_logins' });
      expect(await lastNotification(t.dataSource, 'account-locked-failed-logins', user.email)).toBeTruthy();
    });

    it('400 weak_password, and the password stays', async () => {
      const user = await createUser(t.app, 'provider');
      const token = await tokenFor(t.app, user);
      const res = await as(token).post('/me/password', {
        currentPassword: TEST_PASSWORD,
        newPassword: 'password1234',
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('weak_password');
      expect(
        (await t.http().post('/api/v1/auth/login').send({ email: user.email, password: TEST_PASSWORD }))
          .status,
      ).toBe(200);
    });

    it('409 not_applicable for a hospital-credentialed account', async () => {
      const user = await createUser(t.app, 'provider', { hospitalId: `CH${Date.now()}`, password: null });
      const res = await as(await tokenFor(t.app, user)).post('/me/password', {
        currentPassword: 'anything at all',
        newPassword: STRONG_PASSWORD,
      });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('not_applicable');
    });

    it('400 validation_failed without the fields', async () => {
      const user = await createUser(t.app, 'provider');
      const res = await as(await tokenFor(t.app, user)).post('/me/password', {
        newPassword: STRONG_PASSWORD,
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    });
  });

  describe('/me/sessions', () => {
    it('lists the live sessions with method and which is current; ends one; 404 for an ended or foreign one', async () => {
      const user = await createUser(t.app, 'provider');
      const first = await tokenFor(t.app, user);
      const second = await signIn(t, user.email);
      const list = await as(second.accessToken).get('/me/sessions');
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(2);
      expect(list.body.nextCursor).toBeNull();
      const current = list.body.items.find((s: { current: boolean }) => s.current);
      const older = list.body.items.find((s: { current: boolean }) => !s.current);
      expect(current).toMatchObject({ method: 'password_totp', current: true });
      expect(Object.keys(current).sort()).toEqual(['createdAt', 'current', 'id', 'lastActiveAt', 'method']);

      expect((await as(second.accessToken).delete(`/me/sessions/${older.id}`)).status).toBe(204);
      expect((await as(first).get('/me')).status).toBe(401);
      expect((await as(second.accessToken).delete(`/me/sessions/${older.id}`)).status).toBe(404);

      const stranger = await createUser(t.app, 'provider');
      const strangerToken = await tokenFor(t.app, stranger);
      const theirs = (await as(strangerToken).get('/me/sessions')).body.items[0].id;
      const res = await as(second.accessToken).delete(`/me/sessions/${theirs}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
      expect((await as(strangerToken).get('/me')).status).toBe(200);
      expect((await as(second.accessToken).delete('/me/sessions/not-a-uuid')).status).toBe(404);
    });

    it('ending the current session is a logout', async () => {
      const user = await createUser(t.app, 'provider');
      const token = await tokenFor(t.app, user);
      const id = (await as(token).get('/me/sessions')).body.items[0].id;
      expect((await as(token).delete(`/me/sessions/${id}`)).status).toBe(204);
      expect((await as(token).get('/me')).status).toBe(401);
      expect((await auditActions(t.dataSource, user.id)).map((a) => a.action)).toContain('auth.logout');
    });

    it('DELETE /me/sessions ends every session but the current one', async () => {
      const user = await createUser(t.app, 'sponsored', { npi: null });
      const a = await tokenFor(t.app, user);
      const b = await tokenFor(t.app, user);
      const current = await tokenFor(t.app, user);
      expect((await as(current).delete('/me/sessions')).status).toBe(204);
      expect((await as(a).get('/me')).status).toBe(401);
      expect((await as(b).get('/me')).status).toBe(401);
      const left = (await as(current).get('/me/sessions')).body.items;
      expect(left).toHaveLength(1);
      expect(left[0].current).toBe(true);
    });
  });

  describe('a sponsor locked for an overdue validation', () => {
    it('may use /me, /me/password, /me/sessions*, help requests and the validation routes; nothing else', async () => {
      const sponsor = await createSponsor(t.app);
      const [nurse] = await createSponsoredUsers(t.app, sponsor, 1);
      await openValidation(t.app, sponsor, [nurse], '2026-10-01');
      await t.dataSource.query(
        `UPDATE users SET status = 'locked', lock_reason = 'validation_overdue' WHERE id = $1`,
        [sponsor.id],
      );
      const token = await tokenFor(t.app, sponsor);
      expect((await as(token).get('/me')).status).toBe(200);
      expect((await as(token).get('/me/sessions')).status).toBe(200);
      expect((await as(token).get('/support-requests')).status).toBe(200);
      expect(
        (await as(token).post('/support-requests', { description: 'I cannot find the validation page.' }))
          .status,
      ).toBe(201);
      expect((await as(token).get('/sponsorship/validation')).status).toBe(200);
      expect((await as(token).get('/sponsorship/validations')).status).toBe(200);
      for (const path of [
        '/me/practice-change-requests',
        '/sponsorship/sponsored-users',
        '/access-requests',
      ]) {
        const res = await as(token).get(path);
        expect([path, res.status, res.body.code]).toEqual([path, 403, 'account_locked']);
      }
      expect(
        (
          await as(token).post('/me/password', {
            currentPassword: TEST_PASSWORD,
            newPassword: STRONG_PASSWORD,
          })
        ).status,
      ).toBe(204);
      expect((await as(token).delete('/me/sessions')).status).toBe(204);
      expect(
        await notifications(t.dataSource, { template: 'password-changed', to: sponsor.email }),
      ).toHaveLength(1);
    });
  });
});
