import { emailedToken } from './support/smtp-sink.js';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createPractice, createUser, makeNpi, TEST_PASSWORD, tokenFor } from './factories/index.js';
import {
  auditActions,
  lastNotification,
  notifications,
  signIn,
  STRONG_PASSWORD,
} from './factories/identity.js';
import { SponsorTransferHooks, type SponsoredUsersTransferred } from '../src/modules/identity/index.js';

/** The team's user directory and account life cycle (API.md v1.1 "Staff: people and practices"). */
describe('staff: deactivation, recovery and practice moves', () => {
  let t: TestContext;
  let team: { id: string; token: string };
  let admin: { id: string; token: string };
  const transfers: SponsoredUsersTransferred[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    const member = await createUser(t.app, 'staff', { roles: ['team'] });
    team = { id: member.id, token: await tokenFor(t.app, member) };
    const boss = await createUser(t.app, 'staff', { roles: ['team', 'admin'] });
    admin = { id: boss.id, token: await tokenFor(t.app, boss) };
    t.app
      .get(SponsorTransferHooks)
      .register({ sponsoredUsersTransferred: async (_m, event) => void transfers.push(event) });
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (path: string) => t.http().get(`/api/v1${path}`).set('authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) =>
      t.http().post(`/api/v1${path}`).set('authorization', `Bearer ${token}`).send(body),
    put: (path: string, body: object) =>
      t.http().put(`/api/v1${path}`).set('authorization', `Bearer ${token}`).send(body),
  });
  const statusOf = async (id: string) =>
    (await t.dataSource.query('SELECT status, lock_reason FROM users WHERE id = $1', [id]))[0] as {
      status: string;
      lock_reason: string | null;
    };

  describe('deactivate and reactivate', () => {
    it('deactivates an account: sessions ended, links voided, owner emailed; reactivate opens it again', async () => {
      const user = await createUser(t.app, 'provider');
      const token = await tokenFor(t.app, user);
      await t.http().post('/api/v1/auth/password/forgot').send({ email: user.email });
      const link = await emailedToken(
        t.smtp,
        (await lastNotification(t.dataSource, 'password-reset', user.email)).id,
      );
      const res = await as(team.token).post(`/staff/users/${user.id}/deactivate`, {
        reason: 'left the practice',
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'deactivated', lockReason: null });
      expect((await as(token).get('/me')).status).toBe(401);
      expect(
        (await t.http().post('/api/v1/auth/password/reset').send({ token: link, password: STRONG_PASSWORD }))
          .body.code,
      ).toBe('invalid_token');
      expect(await lastNotification(t.dataSource, 'account-deactivated', user.email)).toBeTruthy();
      expect(
        (await as(team.token).post(`/staff/users/${user.id}/deactivate`, { reason: 'again' })).body.code,
      ).toBe('invalid_state');

      const back = await as(team.token).post(`/staff/users/${user.id}/reactivate`);
      expect(back.body).toEqual({ status: 'active', lockReason: null });
      expect(await lastNotification(t.dataSource, 'account-reactivated', user.email)).toBeTruthy();
      expect((await as(team.token).post(`/staff/users/${user.id}/reactivate`)).body.code).toBe(
        'invalid_state',
      );
      expect(
        (await t.http().post('/api/v1/auth/login').send({ email: user.email, password: TEST_PASSWORD }))
          .status,
      ).toBe(200);
      const actions = (await auditActions(t.dataSource, team.id)).map((a) => a.action);
      expect(actions).toEqual(expect.arrayContaining(['staff.deactivate', 'staff.reactivate']));
      expect(
        (await as(team.token).post(`/staff/users/${team.id}/deactivate`, { reason: 'x' })).body.code,
      ).toBe('invalid_state');
      const colleague = await createUser(t.app, 'staff');
      expect(
        (await as(team.token).post(`/staff/users/${colleague.id}/deactivate`, { reason: 'x' })).status,
      ).toBe(403);
      expect((await as(team.token).post(`/staff/users/${colleague.id}/reactivate`)).status).toBe(403);
    });

    it('a sponsor with live staff needs a choice (409 has_sponsored_users); "deactivate" closes them too', async () => {
      const sponsor = await createUser(t.app, 'provider', { isSponsor: true });
      const active = await createUser(t.app, 'sponsored', {
        sponsorId: sponsor.id,
        practiceId: sponsor.practiceId,
      });
      const invited = await createUser(t.app, 'sponsored', {
        sponsorId: sponsor.id,
        practiceId: sponsor.practiceId,
        status: 'invited',
        password: null,
      });
      const gone = await createUser(t.app, 'sponsored', {
        sponsorId: sponsor.id,
        practiceId: sponsor.practiceId,
        status: 'deactivated',
      });
      const refused = await as(team.token).post(`/staff/users/${sponsor.id}/deactivate`, {
        reason: 'retired',
      });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('has_sponsored_users');
      expect((await statusOf(sponsor.id)).status).toBe('active');

      const res = await as(team.token).post(`/staff/users/${sponsor.id}/deactivate`, {
        reason: 'retired',
        sponsoredUsers: 'deactivate',
      });
      expect(res.body.status).toBe('deactivated');
      for (const u of [active, invited, gone]) expect((await statusOf(u.id)).status).toBe('deactivated');
      expect(
        await notifications(t.dataSource, { template: 'sponsored-user-deactivated', to: active.email }),
      ).toHaveLength(1);
      expect(
        await notifications(t.dataSource, { template: 'sponsored-user-deactivated', to: gone.email }),
      ).toHaveLength(0);
      // A sponsored user of a deactivated sponsor is not reactivated alone.
      expect((await as(team.token).post(`/staff/users/${active.id}/reactivate`)).body.code).toBe(
        'invalid_state',
      );
    });

    it('"transfer" moves them to an active sponsor of the same practice, lifting their validation lock; else 409 invalid_transfer', async () => {
      const practice = await createPractice(t.dataSource);
      const sponsor = await createUser(t.app, 'provider', { isSponsor: true, practiceId: practice.id });
      const heir = await createUser(t.app, 'provider', { isSponsor: true, practiceId: practice.id });
      const locked = await createUser(t.app, 'sponsored', {
        sponsorId: sponsor.id,
        practiceId: practice.id,
        status: 'locked',
        lockReason: 'validation_overdue',
      });
      const active = await createUser(t.app, 'sponsored', { sponsorId: sponsor.id, practiceId: practice.id });
      const notSponsor = await createUser(t.app, 'provider', { practiceId: practice.id });
      const elsewhere = await createUser(t.app, 'provider', { isSponsor: true });
      const lockedHeir = await createUser(t.app, 'provider', {
        isSponsor: true,
        practiceId: practice.id,
        status: 'locked',
        lockReason: 'staff',
      });
      const deactivate = (body: object) =>
        as(team.token).post(`/staff/users/${sponsor.id}/deactivate`, { reason: 'moved away', ...body });
      for (const target of [
        undefined,
        notSponsor.id,
        elsewhere.id,
        lockedHeir.id,
        sponsor.id,
        '00000000-0000-4000-8000-000000000000',
      ]) {
        const res = await deactivate({ sponsoredUsers: 'transfer', transferToSponsorId: target });
        expect([res.status, res.body.code]).toEqual([409, 'invalid_transfer']);
      }
      const res = await deactivate({ sponsoredUsers: 'transfer', transferToSponsorId: heir.id });
      expect(res.body.status).toBe('deactivated');
      const rows: Array<{ id: string; sponsor_id: string; status: string }> = await t.dataSource.query(
        'SELECT id, sponsor_id, status FROM users WHERE id = ANY($1::uuid[]) ORDER BY id',
        [[locked.id, active.id]],
      );
      expect(rows.every((r) => r.sponsor_id === heir.id && r.status === 'active')).toBe(true);
      expect(transfers).toContainEqual({
        fromSponsorId: sponsor.id,
        toSponsorId: heir.id,
        userIds: expect.arrayContaining([locked.id, active.id]),
      });
      const audit = (await auditActions(t.dataSource, team.id)).find(
        (a) => a.action === 'staff.deactivate' && a.details.userId === sponsor.id,
      );
      expect(audit?.details.sponsoredUsers).toEqual({ choice: 'transfer', count: 2, toSponsorId: heir.id });
    });
  });

  describe('reset-mfa and resend-link', () => {
    it('reset-mfa voids TOTP and password, ends sessions, emails a reset link; TOTP is enrolled again at the next sign-in', async () => {
      const user = await createUser(t.app, 'provider');
      const first = await signIn(t, user.email);
      const res = await as(team.token).post(`/staff/users/${user.id}/reset-mfa`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sessionsEnded: 1, linkSent: true });
      expect((await as(first.accessToken).get('/me')).status).toBe(401);
      expect(
        (await t.http().post('/api/v1/auth/login').send({ email: user.email, password: TEST_PASSWORD })).body
          .code,
      ).toBe('invalid_credentials');
      const mail = await lastNotification(t.dataSource, 'mfa-reset', user.email);
      const reset = await t
        .http()
        .post('/api/v1/auth/password/reset')
        .send({ token: await emailedToken(t.smtp, mail.id), password: STRONG_PASSWORD });
      expect([reset.status, reset.body.code]).toEqual([204, undefined]);
      const login = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: STRONG_PASSWORD });
      expect(login.body.status).toBe('mfa_enrollment_required');
      expect(login.body.secret).not.toBe(first.secret);
      expect((await auditActions(t.dataSource, team.id)).map((a) => a.action)).toContain('staff.reset_mfa');
    });

    it('reset-mfa: 409 not_applicable for hospital accounts, invalid_state for your own account or one without a sign-in', async () => {
      const hospital = await createUser(t.app, 'provider', {
        hospitalId: `CH-${Date.now()}`,
        password: null,
      });
      expect((await as(team.token).post(`/staff/users/${hospital.id}/reset-mfa`)).body.code).toBe(
        'not_applicable',
      );
      expect((await as(team.token).post(`/staff/users/${team.id}/reset-mfa`)).body.code).toBe(
        'invalid_state',
      );
      const pending = await createUser(t.app, 'provider', { status: 'pending_approval' });
      expect((await as(team.token).post(`/staff/users/${pending.id}/reset-mfa`)).body.code).toBe(
        'invalid_state',
      );
      const colleague = await createUser(t.app, 'staff');
      expect((await as(team.token).post(`/staff/users/${colleague.id}/reset-mfa`)).status).toBe(403);
      expect((await as(admin.token).post(`/staff/users/${colleague.id}/reset-mfa`)).status).toBe(200);
    });

    it('resend-link sends a fresh activation link and voids the earlier one', async () => {
      const sponsor = await createUser(t.app, 'provider', {
        isSponsor: true,
        firstName: 'Alex',
        lastName: 'Rivera',
      });
      const invite = await as(await tokenFor(t.app, sponsor)).post('/sponsorship/sponsored-users', {
        email: `invitee.${Date.now()}@clinic.test`,
        firstName: 'Jo',
        lastName: 'Kim',
        role: 'other',
      });
      expect(invite.status).toBe(201);
      const [{ email }] = await t.dataSource.query('SELECT email FROM users WHERE id = $1', [invite.body.id]);
      const old = await emailedToken(
        t.smtp,
        (await lastNotification(t.dataSource, 'sponsored-user-activation', email)).id,
      );
      t.clock.advance(1000);
      const res = await as(team.token).post(`/staff/users/${invite.body.id}/resend-link`);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ link: 'activate' });
      const fresh = await lastNotification(t.dataSource, 'sponsored-user-activation', email);
      expect(fresh.data).toMatchObject({ sponsorName: 'Alex Rivera', firstName: 'Jo' });
      const freshToken = await emailedToken(t.smtp, fresh.id);
      expect(freshToken).not.toBe(old);
      expect(
        (await t.http().post('/api/v1/auth/activate').send({ token: old, password: STRONG_PASSWORD })).body
          .code,
      ).toBe('invalid_token');
      expect(
        (await t.http().post('/api/v1/auth/activate').send({ token: freshToken, password: STRONG_PASSWORD }))
          .body,
      ).toEqual({ status: 'active' });
      const nothing = await as(team.token).post(`/staff/users/${invite.body.id}/resend-link`);
      expect([nothing.status, nothing.body.code]).toEqual([409, 'invalid_state']);
    });

    it('resend-link sends a fresh verification link within seven days of registering, and refuses after', async () => {
      const reg = await t
        .http()
        .post('/api/v1/auth/register')
        .send({
          email: `reg.${Date.now()}@clinic.test`,
          password: STRONG_PASSWORD,
          firstName: 'Dana',
          lastName: 'Reyes',
          npi: makeNpi(),
          newPractice: {
            name: 'Resend Pediatrics',
            address: '1 Elm St, Newton, MA 02458',
            phone: '617-555-0142',
            fax: '617-555-0143',
          },
        });
      expect(reg.status).toBe(201);
      const res = await as(team.token).post(`/staff/users/${reg.body.userId}/resend-link`);
      expect([res.status, res.body.link]).toEqual([202, 'verify_email']);
      t.clock.advance(7 * 24 * 3600 * 1000);
      // Sessions end after 12 hours: sign the team in again.
      team.token = await tokenFor(t.app, { id: team.id, kind: 'staff' });
      admin.token = await tokenFor(t.app, { id: admin.id, kind: 'staff' });
      expect((await as(team.token).post(`/staff/users/${reg.body.userId}/resend-link`)).body.code).toBe(
        'invalid_state',
      );
    });
  });

  describe('PUT /staff/users/:userId/practice', () => {
    it('moves a provider with their sponsored users and tells the owner; 400 unknown_practice; 409 not_applicable', async () => {
      const from = await createPractice(t.dataSource);
      const to = await createPractice(t.dataSource, { name: `Destination ${Date.now()}` });
      const sponsor = await createUser(t.app, 'provider', { isSponsor: true, practiceId: from.id });
      const nurse = await createUser(t.app, 'sponsored', { sponsorId: sponsor.id, practiceId: from.id });
      const res = await as(team.token).put(`/staff/users/${sponsor.id}/practice`, { practiceId: to.id });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: sponsor.id,
        practice: { id: to.id, name: to.name },
        sponsoredUsersMoved: 1,
      });
      const moved = await t.dataSource.query(
        'SELECT id, practice_id FROM account_directory WHERE id = ANY($1::uuid[])',
        [[sponsor.id, nurse.id]],
      );
      expect(moved.every((r: { practice_id: string }) => r.practice_id === to.id)).toBe(true);
      expect((await lastNotification(t.dataSource, 'practice-moved', sponsor.email)).data).toEqual({
        firstName: sponsor.firstName,
        practiceName: to.name,
        sponsoredUsers: true,
      });
      expect((await auditActions(t.dataSource, team.id)).map((a) => a.action)).toContain(
        'staff.practice_move',
      );

      const unknown = await as(team.token).put(`/staff/users/${sponsor.id}/practice`, {
        practiceId: '00000000-0000-4000-8000-000000000000',
      });
      expect([unknown.status, unknown.body.code]).toEqual([400, 'unknown_practice']);
      expect(
        (await as(team.token).put(`/staff/users/${nurse.id}/practice`, { practiceId: from.id })).body.code,
      ).toBe('not_applicable');
      expect(
        (await as(team.token).put(`/staff/users/${team.id}/practice`, { practiceId: from.id })).body.code,
      ).toBe('not_applicable');
      expect(
        (
          await as(team.token).put('/staff/users/00000000-0000-4000-8000-000000000000/practice', {
            practiceId: from.id,
          })
        ).status,
      ).toBe(404);
    });
  });
});
