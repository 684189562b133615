import { createTestApp, type TestContext } from './support/test-app.js';
import { createPractice, createUser, TEST_PASSWORD, tokenFor } from './factories/index.js';
import { auditActions, lastNotification, signIn } from './factories/identity.js';
import { StaffAccountActionsService } from '../src/modules/identity/staff-account-actions.service.js';
import type { AuthUser } from '../src/common/auth/principal.js';

/** The team's user directory and account life cycle (API.md v1.1 "Staff: people and practices"). */
describe('staff: user directory, locks and the last admin', () => {
  let t: TestContext;
  let team: { id: string; token: string };
  let admin: { id: string; token: string };
  beforeAll(async () => {
    t = await createTestApp();
    const member = await createUser(t.app, 'staff', { roles: ['team'] });
    team = { id: member.id, token: await tokenFor(t.app, member) };
    const boss = await createUser(t.app, 'staff', { roles: ['team', 'admin'] });
    admin = { id: boss.id, token: await tokenFor(t.app, boss) };
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
  const liveSessions = async (id: string) =>
    Number(
      (
        await t.dataSource.query('SELECT count(*) FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [
          id,
        ])
      )[0].count,
    );

  describe('GET /staff/users and /staff/users/:userId', () => {
    it('finds users by a case- and accent-insensitive part of the email or names, or by exact NPI, with filters', async () => {
      const practice = await createPractice(t.dataSource);
      const zoe = await createUser(t.app, 'provider', {
        firstName: 'Zoë',
        lastName: 'Ångström',
        practiceId: practice.id,
        isSponsor: true,
      });
      const nurse = await createUser(t.app, 'sponsored', {
        sponsorId: zoe.id,
        practiceId: practice.id,
        firstName: 'Rémy',
        lastName: 'Ångströmsson',
      });
      const list = async (query: string) =>
        (await as(team.token).get(`/staff/users?${query}`)).body.items.map((i: { id: string }) => i.id);

      expect(await list('q=zoe%20angstrom')).toEqual([zoe.id]);
      expect(await list('q=ANGSTR')).toEqual(expect.arrayContaining([zoe.id, nurse.id]));
      expect(await list(`q=${encodeURIComponent(zoe.email.toUpperCase().slice(0, 12))}`)).toContain(zoe.id);
      expect(await list(`q=${zoe.npi}`)).toEqual([zoe.id]);
      expect(await list('q=angstr&kind=sponsored')).toEqual([nurse.id]);
      // Newest first, but the two may be created within one millisecond (then the id breaks the tie): as a set.
      expect((await list(`practiceId=${practice.id}`)).sort()).toEqual([nurse.id, zoe.id].sort());
      expect(await list(`q=angstr&status=locked`)).toEqual([]);
      expect(await list('q=%25')).not.toContain(zoe.id);

      const res = await as(team.token).get(`/staff/users?q=${zoe.npi}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          {
            id: zoe.id,
            kind: 'provider',
            email: zoe.email,
            firstName: 'Zoë',
            lastName: 'Ångström',
            npi: zoe.npi,
            practice: { id: practice.id, name: practice.name },
            status: 'active',
            lockReason: null,
            isSponsor: true,
            sponsorId: null,
            roles: [],
            lastSignInAt: null,
          },
        ],
        nextCursor: null,
      });
      expect((await as(team.token).get('/staff/users?kind=robot')).body.code).toBe('validation_failed');
    });

    it('pages with a cursor', async () => {
      const tag = `pager${Date.now()}`;
      for (let i = 0; i < 3; i++) await createUser(t.app, 'provider', { lastName: `${tag}${i}` });
      const first = await as(team.token).get(`/staff/users?q=${tag}&limit=2`);
      expect(first.body.items).toHaveLength(2);
      const second = await as(team.token).get(
        `/staff/users?q=${tag}&limit=2&cursor=${first.body.nextCursor}`,
      );
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
      expect(new Set([...first.body.items, ...second.body.items].map((i: { id: string }) => i.id)).size).toBe(
        3,
      );
      expect((await as(team.token).get('/staff/users?cursor=nonsense')).body.code).toBe('validation_failed');
    });

    it('shows one user with sponsored users, live sessions and whether MFA is enrolled; 404 otherwise', async () => {
      const sponsor = await createUser(t.app, 'provider', { isSponsor: true });
      const nurse = await createUser(t.app, 'sponsored', {
        sponsorId: sponsor.id,
        practiceId: sponsor.practiceId,
        sponsoredRole: 'office_manager',
      });
      await signIn(t, sponsor.email);
      const res = await as(team.token).get(`/staff/users/${sponsor.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: sponsor.id,
        isSponsor: true,
        mfaEnrolled: true,
        lastSignInAt: expect.any(String),
      });
      expect(res.body.sponsoredUsers).toEqual([
        {
          id: nurse.id,
          email: nurse.email,
          firstName: nurse.firstName,
          lastName: nurse.lastName,
          role: 'office_manager',
          status: 'active',
        },
      ]);
      expect(res.body.activeSessions).toEqual([
        {
          id: expect.any(String),
          createdAt: expect.any(String),
          lastActiveAt: expect.any(String),
          method: 'password_totp',
        },
      ]);
      const plain = await as(team.token).get(`/staff/users/${nurse.id}`);
      expect(plain.body).toMatchObject({
        sponsorId: sponsor.id,
        sponsoredUsers: [],
        activeSessions: [],
        mfaEnrolled: false,
      });
      expect((await as(team.token).get('/staff/users/00000000-0000-4000-8000-000000000000')).status).toBe(
        404,
      );
    });
  });

  describe('lock and unlock', () => {
    it('locks an active account (sessions ended, owner emailed, audited); unlock lifts it', async () => {
      const user = await createUser(t.app, 'provider');
      const token = await tokenFor(t.app, user);
      const res = await as(team.token).post(`/staff/users/${user.id}/lock`, { reason: 'compromised laptop' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'locked', lockReason: 'staff' });
      expect((await as(token).get('/me')).status).toBe(401);
      expect(await liveSessions(user.id)).toBe(0);
      expect(await lastNotification(t.dataSource, 'account-locked-by-staff', user.email)).toBeTruthy();
      const login = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: TEST_PASSWORD });
      expect(login.body.code).toBe('account_locked');
      const again = await as(team.token).post(`/staff/users/${user.id}/lock`, { reason: 'again' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('invalid_state');

      expect((await as(team.token).post(`/staff/users/${user.id}/unlock`)).body).toEqual({
        status: 'active',
      });
      expect(await statusOf(user.id)).toEqual({ status: 'active', lock_reason: null });
      expect((await auditActions(t.dataSource, team.id)).map((a) => a.action)).toEqual(
        expect.arrayContaining(['staff.lock', 'staff.unlock']),
      );
      expect((await as(team.token).post(`/staff/users/${user.id}/unlock`)).body.code).toBe('not_locked');
    });

    it('locks a failed-sign-in lock or an invited account (which stays invited after the unlock)', async () => {
      const failing = await createUser(t.app, 'provider', { status: 'locked', lockReason: 'failed_logins' });
      expect(
        (await as(team.token).post(`/staff/users/${failing.id}/lock`, { reason: 'x' })).body.lockReason,
      ).toBe('staff');
      const invited = await createUser(t.app, 'sponsored', {
        status: 'invited',
        password: null,
        sponsorId: (await createUser(t.app, 'provider')).id,
      });
      expect((await as(team.token).post(`/staff/users/${invited.id}/lock`, { reason: 'x' })).status).toBe(
        200,
      );
      expect((await as(team.token).post(`/staff/users/${invited.id}/unlock`)).body).toEqual({
        status: 'invited',
      });
    });

    it('a staff lock never lifts a validation lock; nobody locks their own account; staff accounts need admin', async () => {
      const sponsor = await createUser(t.app, 'provider', {
        isSponsor: true,
        status: 'locked',
        lockReason: 'validation_overdue',
      });
      const res = await as(team.token).post(`/staff/users/${sponsor.id}/lock`, { reason: 'x' });
      expect(res.body.code).toBe('invalid_state');
      expect(await statusOf(sponsor.id)).toEqual({ status: 'locked', lock_reason: 'validation_overdue' });
      expect((await as(team.token).post(`/staff/users/${sponsor.id}/unlock`)).body.code).toBe(
        'validation_lock',
      );
      for (const status of ['deactivated', 'pending_email'] as const) {
        const other = await createUser(t.app, 'provider', { status });
        expect((await as(team.token).post(`/staff/users/${other.id}/lock`, { reason: 'x' })).body.code).toBe(
          'invalid_state',
        );
      }

      expect((await as(team.token).post(`/staff/users/${team.id}/lock`, { reason: 'x' })).body.code).toBe(
        'invalid_state',
      );
      const colleague = await createUser(t.app, 'staff', { roles: ['team'] });
      const denied = await as(team.token).post(`/staff/users/${colleague.id}/lock`, { reason: 'x' });
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('forbidden');
      expect((await as(admin.token).post(`/staff/users/${colleague.id}/lock`, { reason: 'x' })).status).toBe(
        200,
      );
      expect((await as(team.token).post(`/staff/users/${colleague.id}/unlock`)).status).toBe(403);
      expect((await as(admin.token).post(`/staff/users/${colleague.id}/unlock`)).status).toBe(200);
      expect((await as(team.token).post(`/staff/users/${colleague.id}/lock`, {})).body.code).toBe(
        'validation_failed',
      );
      expect(
        (await as(team.token).post('/staff/users/00000000-0000-4000-8000-000000000000/lock', { reason: 'x' }))
          .status,
      ).toBe(404);
    });

    it('the last active admin cannot be locked or deactivated (409 last_admin), e.g. when two admins lock each other at once', async () => {
      // Over HTTP the actor is an active admin too, so the target is the last one only when the actor's own
      // lock commits first (a race): the service is called as such an actor, whose account is no longer an active admin.
      const sole = await createUser(t.app, 'staff', { roles: ['admin'] });
      const before: Array<{ id: string; roles: string[] }> = await t.dataSource.query(
        `SELECT id, roles FROM users WHERE 'admin' = ANY(roles) AND id <> $1`,
        [sole.id],
      );
      await t.dataSource.query(`UPDATE users SET roles = '{team}' WHERE 'admin' = ANY(roles) AND id <> $1`, [
        sole.id,
      ]);
      try {
        const actions = t.app.get(StaffAccountActionsService);
        const actor = {
          ...(await createUser(t.app, 'staff', { roles: ['team'] })),
          sessionId: '',
          status: 'active',
          lockReason: null,
          isSponsor: false,
          hospitalId: null,
          roles: ['admin'],
        } as unknown as AuthUser;
        await expect(actions.lock(actor, sole.id, 'x')).rejects.toMatchObject({ code: 'last_admin' });
        await expect(actions.deactivate(actor, sole.id, { reason: 'x' })).rejects.toMatchObject({
          code: 'last_admin',
        });
        expect(await statusOf(sole.id)).toEqual({ status: 'active', lock_reason: null });
      } finally {
        for (const row of before)
          await t.dataSource.query('UPDATE users SET roles = $2::text[] WHERE id = $1', [row.id, row.roles]);
      }
    });
  });

  it('two sole admins locking each other at once: at most one succeeds, an active admin remains', async () => {
    const a = await createUser(t.app, 'staff', { roles: ['team', 'admin'] });
    const b = await createUser(t.app, 'staff', { roles: ['team', 'admin'] });
    const before: Array<{ id: string; roles: string[] }> = await t.dataSource.query(
      `SELECT id, roles FROM users WHERE 'admin' = ANY(roles) AND id <> ALL($1::uuid[])`,
      [[a.id, b.id]],
    );
    await t.dataSource.query(`UPDATE users SET roles = '{team}' WHERE id = ANY($1::uuid[])`, [
      before.map((r) => r.id),
    ]);
    try {
      const [ta, tb] = [await tokenFor(t.app, a), await tokenFor(t.app, b)];
      const answers = await Promise.all([
        as(ta).post(`/staff/users/${b.id}/lock`, { reason: 'race' }),
        as(tb).post(`/staff/users/${a.id}/lock`, { reason: 'race' }),
      ]);
      expect(answers.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
      // The loser is refused by the guard (its account is locked now: 403 account_locked) or, when both
      // got past it, by the row-locked admin count (409 last_admin).
      for (const r of answers.filter((x) => x.status !== 200))
        expect(['account_locked', 'last_admin', 'unauthenticated']).toContain(r.body.code);
      const admins = await t.dataSource.query(
        `SELECT id FROM users WHERE 'admin' = ANY(roles) AND status = 'active'`,
      );
      expect(admins.length).toBeGreaterThanOrEqual(1);
    } finally {
      for (const row of before)
        await t.dataSource.query('UPDATE users SET roles = $2::text[] WHERE id = $1', [row.id, row.roles]);
    }
  });
});
