import { emailedToken } from './support/smtp-sink.js';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, tokenFor } from './factories/index.js';
import { auditActions, lastNotification, signIn, STRONG_PASSWORD } from './factories/identity.js';

/** Staff roles (API.md v1.1 "Staff: roles") and the admin's staff accounts. */
describe('staff roles and staff accounts', () => {
  let t: TestContext;
  const BOOTSTRAP = 'boot.admin@mypatients.test';
  beforeAll(async () => {
    t = await createTestApp({
      env: { BOOTSTRAP_STAFF_EMAIL: BOOTSTRAP, BOOTSTRAP_STAFF_PASSWORD: STRONG_PASSWORD },
    });
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (path: string) => t.http().get(`/api/v1${path}`).set('authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) =>
      t.http().post(`/api/v1${path}`).set('authorization', `Bearer ${token}`).send(body),
    put: (path: string, body: object) =>
      t.http().put(`/api/v1${path}`).set('authorization', `Bearer ${token}`).send(body),
  });
  const staffWith = async (roles: Array<'team' | 'privacy' | 'admin'>) => {
    const user = await createUser(t.app, 'staff', { roles });
    return { user, http: as(await tokenFor(t.app, user)) };
  };

  it('creates the bootstrap account with every role, and a restart leaves its roles as they are', async () => {
    const [boot] = await t.dataSource.query(`SELECT id, roles FROM users WHERE email = $1`, [BOOTSTRAP]);
    expect(boot.roles).toEqual(['team', 'privacy', 'admin']);
    const admin = await staffWith(['admin']);
    expect(
      (await admin.http.put(`/staff/staff-accounts/${boot.id}/roles`, { roles: ['privacy', 'admin'] }))
        .status,
    ).toBe(200);
    const again = await t.startAnotherInstance();
    try {
      const [after] = await t.dataSource.query(`SELECT roles FROM users WHERE email = $1`, [BOOTSTRAP]);
      expect(after.roles).toEqual(['privacy', 'admin']);
    } finally {
      await again.close();
    }
  });

  it('GET /me shows roles for staff only', async () => {
    const staff = await staffWith(['team', 'privacy']);
    expect((await staff.http.get('/me')).body.roles).toEqual(['team', 'privacy']);
    const provider = await createUser(t.app, 'provider');
    const me = await as(await tokenFor(t.app, provider)).get('/me');
    expect(me.status).toBe(200);
    expect(me.body).not.toHaveProperty('roles');
  });

  it('a staff route needs team unless it says otherwise: 403 forbidden without it', async () => {
    const privacyOnly = await staffWith(['privacy']);
    const denied = await privacyOnly.http.get('/staff/registrations');
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('forbidden');
    expect((await privacyOnly.http.get('/staff/users')).body.code).toBe('forbidden');
    // Routes open to every signed-in account need no role.
    expect((await privacyOnly.http.get('/me')).status).toBe(200);
    const team = await staffWith(['team']);
    expect((await team.http.get('/staff/registrations')).status).toBe(200);
    // Admin routes need admin, team is not enough; admin alone does not give team routes.
    expect((await team.http.get('/staff/staff-accounts')).body.code).toBe('forbidden');
    const adminOnly = await staffWith(['admin']);
    expect((await adminOnly.http.get('/staff/staff-accounts')).status).toBe(200);
    expect((await adminOnly.http.get('/staff/users')).body.code).toBe('forbidden');
  });

  it('role changes apply to existing sessions from their next request', async () => {
    const admin = await staffWith(['admin']);
    const member = await staffWith(['team']);
    expect((await member.http.get('/staff/users')).status).toBe(200);
    expect(
      (await admin.http.put(`/staff/staff-accounts/${member.user.id}/roles`, { roles: ['privacy'] })).body,
    ).toEqual({
      id: member.user.id,
      roles: ['privacy'],
    });
    expect((await member.http.get('/staff/users')).body.code).toBe('forbidden');
    await admin.http.put(`/staff/staff-accounts/${member.user.id}/roles`, { roles: ['team'] });
    expect((await member.http.get('/staff/users')).status).toBe(200);
    const audit = await auditActions(t.dataSource, admin.user.id);
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'staff.roles_change',
        details: { userId: member.user.id, before: ['team'], after: ['privacy'] },
      }),
    );
  });

  it('POST /staff/staff-accounts invites a staff account: activation email, password, TOTP enrolment at first sign-in', async () => {
    const admin = await staffWith(['admin']);
    const res = await admin.http.post('/staff/staff-accounts', {
      email: 'New.Colleague@MyPatients.test',
      firstName: 'Nia',
      lastName: 'Cole',
      roles: ['privacy', 'team', 'team'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), status: 'invited' });
    const mail = await lastNotification(
      t.dataSource,
      'staff-account-invitation',
      'new.colleague@mypatients.test',
    );
    expect(mail.data).toMatchObject({ firstName: 'Nia', lastName: 'Cole' });
    const list = await admin.http.get('/staff/staff-accounts');
    expect(list.body.items).toContainEqual({
      id: res.body.id,
      email: 'new.colleague@mypatients.test',
      firstName: 'Nia',
      lastName: 'Cole',
      roles: ['team', 'privacy'],
      status: 'invited',
      lastSignInAt: null,
    });
    expect(list.body.items.every((i: { roles: string[] }) => Array.isArray(i.roles))).toBe(true);

    const activate = await t
      .http()
      .post('/api/v1/auth/activate')
      .send({ token: await emailedToken(t.smtp, mail.id), password: STRONG_PASSWORD });
    expect(activate.body).toEqual({ status: 'active' });
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'new.colleague@mypatients.test', password: STRONG_PASSWORD });
    expect(login.body.status).toBe('mfa_enrollment_required');
    const session = await signIn(t, 'new.colleague@mypatients.test', STRONG_PASSWORD);
    const me = await as(session.accessToken).get('/me');
    expect(me.body).toMatchObject({ kind: 'staff', status: 'active', roles: ['team', 'privacy'] });
    const listed = (await admin.http.get('/staff/staff-accounts')).body.items.find(
      (i: { id: string }) => i.id === res.body.id,
    );
    expect(listed.lastSignInAt).not.toBeNull();
    expect((await auditActions(t.dataSource, admin.user.id)).map((a) => a.action)).toContain(
      'staff.staff_account_create',
    );
  });

  it('POST /staff/staff-accounts: 409 email_taken, 400 for unknown or no roles, 403 without admin', async () => {
    const admin = await staffWith(['admin']);
    const taken = await createUser(t.app, 'provider');
    const dup = await admin.http.post('/staff/staff-accounts', {
      email: taken.email,
      firstName: 'A',
      lastName: 'B',
      roles: ['team'],
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('email_taken');
    const body = { email: 'x.staff@mypatients.test', firstName: 'A', lastName: 'B' };
    expect((await admin.http.post('/staff/staff-accounts', { ...body, roles: ['root'] })).body.code).toBe(
      'validation_failed',
    );
    expect((await admin.http.post('/staff/staff-accounts', { ...body, roles: [] })).body.code).toBe(
      'validation_failed',
    );
    const team = await staffWith(['team']);
    expect((await team.http.post('/staff/staff-accounts', { ...body, roles: ['team'] })).status).toBe(403);
  });

  it('PUT /staff/staff-accounts/:userId/roles: 404 for a non-staff account, 409 last_admin for the last active admin', async () => {
    const admin = await staffWith(['admin', 'team']);
    const provider = await createUser(t.app, 'provider');
    const notStaff = await admin.http.put(`/staff/staff-accounts/${provider.id}/roles`, { roles: ['team'] });
    expect(notStaff.status).toBe(404);
    expect(
      (
        await admin.http.put('/staff/staff-accounts/00000000-0000-4000-8000-000000000000/roles', {
          roles: ['team'],
        })
      ).status,
    ).toBe(404);

    // Make `admin` the only active admin: every other admin loses the role.
    const others: Array<{ id: string }> = await t.dataSource.query(
      `SELECT id FROM users WHERE kind = 'staff' AND 'admin' = ANY(roles) AND id <> $1`,
      [admin.user.id],
    );
    for (const other of others)
      expect(
        (await admin.http.put(`/staff/staff-accounts/${other.id}/roles`, { roles: ['team'] })).status,
      ).toBe(200);
    const last = await admin.http.put(`/staff/staff-accounts/${admin.user.id}/roles`, { roles: ['team'] });
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('last_admin');
    // With a second admin, the first may give the role up.
    const second = await staffWith(['admin']);
    expect(
      (await second.http.put(`/staff/staff-accounts/${admin.user.id}/roles`, { roles: ['team'] })).status,
    ).toBe(200);
    expect(
      (await second.http.put(`/staff/staff-accounts/${second.user.id}/roles`, { roles: ['team'] })).body.code,
    ).toBe('last_admin');
    await second.http.put(`/staff/staff-accounts/${admin.user.id}/roles`, { roles: ['team', 'admin'] });
  });
});
