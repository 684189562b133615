import { emailedToken } from './support/smtp-sink.js';
import { linkToken } from './support/smtp-sink.js';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createPractice, createUser, makeNpi, tokenFor } from './factories/index.js';
import {
  auditActions,
  lastNotification,
  notifications,
  registrationBody,
  STRONG_PASSWORD,
} from './factories/identity.js';

describe('identity: registration, email verification, staff review, practices', () => {
  let t: TestContext;
  let staffToken: string;
  let staffId: string;
  beforeAll(async () => {
    t = await createTestApp();
    const staff = await createUser(t.app, 'staff');
    staffId = staff.id;
    staffToken = await tokenFor(t.app, staff);
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown, token?: string) => {
    const req = t.http().post(`/api/v1${path}`);
    if (token) req.set('authorization', `Bearer ${token}`);
    return req.send(body as object);
  };

  it('registers a provider with a new practice, emails a verify link, and the link moves it to pending_approval', async () => {
    const body = registrationBody({ email: 'Dr.Mixed@Clinic.Example' });
    const res = await post('/auth/register', body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ userId: expect.any(String), status: 'pending_email' });

    const [user] = await t.dataSource.query(
      'SELECT email, status, npi, practice_id, password_hash FROM users WHERE id = $1',
      [res.body.userId],
    );
    expect(user).toMatchObject({ email: 'dr.mixed@clinic.example', status: 'pending_email', npi: body.npi });
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const [practice] = await t.dataSource.query(
      'SELECT name, city, phone, fax FROM practices WHERE id = $1',
      [user.practice_id],
    );
    expect(practice).toEqual({
      name: body.newPractice.name,
      city: 'Newton',
      phone: '617-555-0142',
      fax: '617-555-0143',
    });

    const mail = await lastNotification(t.dataSource, 'verify-email', 'dr.mixed@clinic.example');
    const token = await emailedToken(t.smtp, mail.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // No team email before the address is confirmed.
    expect(
      (await notifications(t.dataSource, { template: 'team-new-registration' })).filter(
        (n) => n.data.userId === res.body.userId,
      ),
    ).toHaveLength(0);

    const verified = await post('/auth/verify-email', { token });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ status: 'pending_approval' });
    const team = await lastNotification(t.dataSource, 'team-new-registration', t.config.teamEmail);
    expect(team.data).toMatchObject({ userId: res.body.userId, firstName: 'Dana', lastName: 'Reyes' });

    // The link works once.
    const again = await post('/auth/verify-email', { token });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid_token');
    expect((await auditActions(t.dataSource, res.body.userId)).map((a) => a.action)).toEqual([
      'auth.register',
      'auth.verify_email',
    ]);
  });

  it('registers into an existing practice', async () => {
    const practice = await createPractice(t.dataSource);
    const body = registrationBody({ practiceId: practice.id, newPractice: undefined });
    const res = await post('/auth/register', body);
    expect(res.status).toBe(201);
    const [user] = await t.dataSource.query('SELECT practice_id FROM users WHERE id = $1', [res.body.userId]);
    expect(user.practice_id).toBe(practice.id);
  });

  it('accepts the CMS example NPI 1234567893 and refuses a wrong check digit with invalid_npi', async () => {
    const bad = await post('/auth/register', registrationBody({ npi: '1234567890' }));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_npi');
    for (const npi of ['123456789', 'abcdefghij', '12345678933']) {
      expect((await post('/auth/register', registrationBody({ npi }))).body.code).toBe('invalid_npi');
    }
    const ok = await post('/auth/register', registrationBody({ npi: '1234567893' }));
    expect(ok.status).toBe(201);
  });

  it('allows one account per NPI (409 npi_taken) and per email (409 email_taken)', async () => {
    const first = registrationBody();
    expect((await post('/auth/register', first)).status).toBe(201);
    const sameNpi = await post('/auth/register', registrationBody({ npi: first.npi }));
    expect(sameNpi.status).toBe(409);
    expect(sameNpi.body.code).toBe('npi_taken');
    const sameEmail = await post('/auth/register', registrationBody({ email: first.email.toUpperCase() }));
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.code).toBe('email_taken');
  });

  it('refuses weak passwords with weak_password and a helpful detail', async () => {
    const short = await post('/auth/register', registrationBody({ password: 'Xk9#mP2$vQ7' }));
    expect(short.status).toBe(400);
    expect(short.body.code).toBe('weak_password');
    expect(short.body.detail).toMatch(/12 characters/);
    const common = await post('/auth/register', registrationBody({ password: 'password1234' }));
    expect(common.body.code).toBe('weak_password');
    expect(common.body.detail).toMatch(/easy to guess/);
    const withEmail = await post(
      '/auth/register',
      registrationBody({ email: 'quentin.blake@clinic.example', password: 'quentin.blake orbit zebra 77' }),
    );
    expect(withEmail.body.code).toBe('weak_password');
    expect(withEmail.body.detail).toMatch(/email/);
  });

  it('refuses bad input with 400 problems, never 5xx', async () => {
    const both = await post(
      '/auth/register',
      registrationBody({ practiceId: (await createPractice(t.dataSource)).id }),
    );
    expect(both.status).toBe(400);
    expect(both.body.code).toBe('validation_failed');
    const neither = await post('/auth/register', registrationBody({ newPractice: undefined }));
    expect(neither.body.code).toBe('validation_failed');
    const unknownPractice = await post(
      '/auth/register',
      registrationBody({ newPractice: undefined, practiceId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(unknownPractice.status).toBe(400);
    expect(unknownPractice.body.code).toBe('unknown_practice');
    const badEmail = await post('/auth/register', registrationBody({ email: 'not-an-email' }));
    expect(badEmail.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'email' })]),
    );
    const badPractice = await post(
      '/auth/register',
      registrationBody({ newPractice: { name: 'X', address: 'Y', phone: 'call me', fax: '1' } }),
    );
    expect(badPractice.status).toBe(400);
    expect(badPractice.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['newPractice.phone', 'newPractice.fax']),
    );
    const extra = await post('/auth/register', { ...registrationBody(), isSponsor: true });
    expect(extra.status).toBe(400);
    expect(extra.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'isSponsor' })]),
    );
    const wrongTypes = await post('/auth/register', {
      email: 5,
      password: [],
      firstName: {},
      lastName: null,
      npi: 1234567893,
    });
    expect(wrongTypes.status).toBe(400);
    expect((await post('/auth/verify-email', {})).body.code).toBe('validation_failed');
    expect((await post('/auth/verify-email', { token: 'nope' })).body.code).toBe('invalid_token');
  });

  it('lists registrations by status for staff, approves and rejects them with emails', async () => {
    const a = registrationBody();
    const b = registrationBody();
    const ra = await post('/auth/register', a);
    const rb = await post('/auth/register', b);
    for (const email of [a.email, b.email]) {
      // The outbox row's token is removed once the email is sent; read it from the email itself.
      const token = linkToken(await t.smtp.waitForTo(email), 'verify-email');
      expect((await post('/auth/verify-email', { token })).status).toBe(200);
    }

    const list = await t
      .http()
      .get('/api/v1/staff/registrations?status=pending_approval&limit=200')
      .set('authorization', `Bearer ${staffToken}`);
    expect(list.status).toBe(200);
    const ids = list.body.items.map((i: { userId: string }) => i.userId);
    expect(ids).toEqual(expect.arrayContaining([ra.body.userId, rb.body.userId]));
    const item = list.body.items.find((i: { userId: string }) => i.userId === ra.body.userId);
    expect(item).toMatchObject({
      email: a.email,
      npi: a.npi,
      status: 'pending_approval',
      practice: { name: a.newPractice.name, city: 'Newton' },
    });
    expect(list.body.nextCursor).toBeNull();

    // Pagination: one at a time.
    const page1 = await t
      .http()
      .get('/api/v1/staff/registrations?limit=1')
      .set('authorization', `Bearer ${staffToken}`);
    expect(page1.body.items).toHaveLength(1);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await t
      .http()
      .get(`/api/v1/staff/registrations?limit=1&cursor=${page1.body.nextCursor}`)
      .set('authorization', `Bearer ${staffToken}`);
    expect(page2.body.items[0].userId).not.toBe(page1.body.items[0].userId);

    const approved = await post(`/staff/registrations/${ra.body.userId}/approve`, {}, staffToken);
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual({ status: 'active' });
    expect((await lastNotification(t.dataSource, 'registration-approved', a.email)).data).toMatchObject({
      firstName: 'Dana',
    });
    const [row] = await t.dataSource.query('SELECT status, approved_by FROM users WHERE id = $1', [
      ra.body.userId,
    ]);
    expect(row).toEqual({ status: 'active', approved_by: staffId });

    const noReason = await post(`/staff/registrations/${rb.body.userId}/reject`, {}, staffToken);
    expect(noReason.status).toBe(400);
    const rejected = await post(
      `/staff/registrations/${rb.body.userId}/reject`,
      { reason: 'NPI does not match the practice.' },
      staffToken,
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toEqual({ status: 'rejected' });
    expect((await lastNotification(t.dataSource, 'registration-rejected', b.email)).data).toMatchObject({
      reason: 'NPI does not match the practice.',
    });

    const rejectedList = await t
      .http()
      .get('/api/v1/staff/registrations?status=rejected')
      .set('authorization', `Bearer ${staffToken}`);
    expect(rejectedList.body.items.map((i: { userId: string }) => i.userId)).toContain(rb.body.userId);

    // Approving twice, or an unknown / malformed id.
    const twice = await post(`/staff/registrations/${ra.body.userId}/approve`, {}, staffToken);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('invalid_state');
    expect(
      (await post('/staff/registrations/00000000-0000-4000-8000-000000000000/approve', {}, staffToken))
        .status,
    ).toBe(404);
    expect((await post('/staff/registrations/not-a-uuid/approve', {}, staffToken)).status).toBe(404);
    expect(
      (
        await t
          .http()
          .get('/api/v1/staff/registrations?status=bogus')
          .set('authorization', `Bearer ${staffToken}`)
      ).status,
    ).toBe(400);
    const badCursor = await t
      .http()
      .get('/api/v1/staff/registrations?cursor=garbage')
      .set('authorization', `Bearer ${staffToken}`);
    expect([badCursor.status, badCursor.body.code, badCursor.body.errors?.[0]?.field]).toEqual([
      400,
      'validation_failed',
      'cursor',
    ]);
    const audits = await auditActions(t.dataSource, staffId);
    expect(audits.map((x) => x.action)).toEqual(expect.arrayContaining(['staff.approve', 'staff.reject']));
  });

  it('keeps staff routes to staff', async () => {
    const provider = await createUser(t.app, 'provider');
    const token = await tokenFor(t.app, provider);
    expect(
      (await t.http().get('/api/v1/staff/registrations').set('authorization', `Bearer ${token}`)).status,
    ).toBe(403);
    expect((await t.http().get('/api/v1/staff/registrations')).status).toBe(401);
    expect((await post('/staff/hospital-accounts', {}, token)).status).toBe(403);
  });

  it('lets staff create hospital-credentialed accounts, with the contract errors', async () => {
    const practice = await createPractice(t.dataSource);
    const body = {
      hospitalId: 'CH123456',
      email: 'hosp.doc@childrens.example',
      firstName: 'Hal',
      lastName: 'Ward',
      npi: makeNpi(),
      practiceId: practice.id,
    };
    const res = await post('/staff/hospital-accounts', body, staffToken);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ userId: expect.any(String) });
    const [row] = await t.dataSource.query(
      'SELECT kind, status, hospital_id, password_hash FROM users WHERE id = $1',
      [res.body.userId],
    );
    expect(row).toEqual({ kind: 'provider', status: 'active', hospital_id: 'CH123456', password_hash: null });

    expect(
      (
        await post(
          '/staff/hospital-accounts',
          { ...body, email: 'x1@childrens.example', npi: makeNpi() },
          staffToken,
        )
      ).body.code,
    ).toBe('hospital_id_taken');
    expect(
      (
        await post(
          '/staff/hospital-accounts',
          { ...body, hospitalId: 'CH9', email: 'x2@childrens.example' },
          staffToken,
        )
      ).body.code,
    ).toBe('npi_taken');
    expect(
      (await post('/staff/hospital-accounts', { ...body, hospitalId: 'CH8', npi: makeNpi() }, staffToken))
        .body.code,
    ).toBe('email_taken');
    expect(
      (
        await post(
          '/staff/hospital-accounts',
          { ...body, hospitalId: 'CH7', email: 'x3@childrens.example', npi: '1234567890' },
          staffToken,
        )
      ).body.code,
    ).toBe('invalid_npi');
    expect(
      (
        await post(
          '/staff/hospital-accounts',
          {
            ...body,
            hospitalId: 'CH6',
            email: 'x4@childrens.example',
            npi: makeNpi(),
            practiceId: '00000000-0000-4000-8000-000000000000',
          },
          staffToken,
        )
      ).body.code,
    ).toBe('unknown_practice');
    expect(
      (await post('/staff/hospital-accounts', { ...body, hospitalId: 'bad id with spaces' }, staffToken)).body
        .code,
    ).toBe('validation_failed');

    // No password: password sign-in fails like any wrong password.
    const login = await post('/auth/login', { email: body.email, password: STRONG_PASSWORD });
    expect(login.status).toBe(401);
    expect(login.body.code).toBe('invalid_credentials');
  });

  it('answers 404 sso_not_configured on the SSO routes when OIDC is not configured', async () => {
    for (const path of ['/api/v1/auth/sso/login', '/api/v1/auth/sso/callback?code=a&state=b']) {
      const res = await t.http().get(path);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('sso_not_configured');
    }
  });

  it('searches practices publicly by name, returning id, name and city', async () => {
    const p = await createPractice(t.dataSource, { name: 'Zebrafish Pediatric Associates', city: 'Quincy' });
    await createPractice(t.dataSource, { name: 'Unrelated Clinic' });
    const res = await t.http().get('/api/v1/practices?q=ZEBRAFISH');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([{ id: p.id, name: 'Zebrafish Pediatric Associates', city: 'Quincy' }]);
    const wildcard = await t.http().get('/api/v1/practices?q=%25%25');
    expect(wildcard.status).toBe(200);
    expect(wildcard.body.items).toEqual([]);
    expect((await t.http().get('/api/v1/practices')).status).toBe(400);
    expect((await t.http().get('/api/v1/practices?q=ab&limit=0')).status).toBe(400);
    expect((await t.http().get('/api/v1/practices?q=ab&other=1')).status).toBe(400);
  });
});
