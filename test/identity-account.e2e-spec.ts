import { emailedToken } from './support/smtp-sink.js';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, TEST_PASSWORD, tokenFor } from './factories/index.js';
import { auditActions, lastNotification, notifications, signIn } from './factories/identity.js';

const PNG_HEADER = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_HEADER = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);

describe('identity: /me, email change, practice change, support requests', () => {
  let t: TestContext;
  let staffToken: string;
  beforeAll(async () => {
    // Monday 2026-11-23, 10:00 in Boston: two business days skip Thanksgiving (Thu 26).
    t = await createTestApp({ now: '2026-11-24T15:00:00Z' });
    staffToken = await tokenFor(t.app, await createUser(t.app, 'staff'));
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown, token?: string) => {
    const req = t.http().post(`/api/v1${path}`);
    if (token) req.set('authorization', `Bearer ${token}`);
    return req.send(body as object);
  };

  it('GET /me returns the account in the contract shape; a sponsored user shows the sponsor practice', async () => {
    const provider = await createUser(t.app, 'provider', {
      isSponsor: true,
      firstName: 'Ana',
      lastName: 'Lee',
    });
    const res = await t
      .http()
      .get('/api/v1/me')
      .set('authorization', `Bearer ${await tokenFor(t.app, provider)}`);
    expect(res.status).toBe(200);
    const [practice] = await t.dataSource.query('SELECT id, name FROM practices WHERE id = $1', [
      provider.practiceId,
    ]);
    expect(res.body).toMatchObject({
      id: provider.id,
      kind: 'provider',
      email: provider.email,
      firstName: 'Ana',
      lastName: 'Lee',
      npi: provider.npi,
      practice: { id: practice.id, name: practice.name },
      isSponsor: true,
      status: 'active',
      lockReason: null,
    });
    const sponsored = await createUser(t.app, 'sponsored', { sponsorId: provider.id, practiceId: null });
    const s = await t
      .http()
      .get('/api/v1/me')
      .set('authorization', `Bearer ${await tokenFor(t.app, sponsored)}`);
    expect(s.body).toMatchObject({
      kind: 'sponsored',
      npi: null,
      practice: { id: practice.id },
      isSponsor: false,
    });
    const staff = await t.http().get('/api/v1/me').set('authorization', `Bearer ${staffToken}`);
    expect(staff.body).toMatchObject({ kind: 'staff', practice: null });
    expect((await t.http().get('/api/v1/me')).status).toBe(401);
  });

  it('changes a provider email through a link to the new address, tells the old one, and ends other sessions', async () => {
    const user = await createUser(t.app, 'provider', { email: 'old.address@example.test' });
    const a = await signIn(t, user.email);
    const b = await signIn(t, user.email, TEST_PASSWORD, a.secret);

    const wrongPassword = await post(
      '/me/email',
      { newEmail: 'new.address@example.test', password: 'not my password' },
      a.accessToken,
    );
    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.body.code).toBe('invalid_password');
    const taken = await createUser(t.app, 'provider');
    expect(
      (await post('/me/email', { newEmail: taken.email, password: TEST_PASSWORD }, a.accessToken)).body.code,
    ).toBe('email_taken');
    expect(
      (await post('/me/email', { newEmail: 'nope', password: TEST_PASSWORD }, a.accessToken)).body.code,
    ).toBe('validation_failed');

    const res = await post(
      '/me/email',
      { newEmail: 'New.Address@example.test', password: TEST_PASSWORD },
      a.accessToken,
    );
    expect(res.status).toBe(202);
    const token = await emailedToken(
      t.smtp,
      (await lastNotification(t.dataSource, 'email-change-confirm', 'new.address@example.test')).id,
    );
    expect(
      await notifications(t.dataSource, { template: 'email-change-confirm', to: user.email }),
    ).toHaveLength(0);

    // Another account cannot use this link (and trying does not spend it).
    const other = await createUser(t.app, 'provider');
    expect((await post('/me/email/confirm', { token }, await tokenFor(t.app, other))).body.code).toBe(
      'invalid_token',
    );

    const confirm = await post('/me/email/confirm', { token }, a.accessToken);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toEqual({ email: 'new.address@example.test' });
    const me = await t.http().get('/api/v1/me').set('authorization', `Bearer ${a.accessToken}`);
    expect(me.body.email).toBe('new.address@example.test');
    expect((await t.http().get('/api/v1/me').set('authorization', `Bearer ${b.accessToken}`)).status).toBe(
      401,
    );
    expect(
      (await lastNotification(t.dataSource, 'email-changed-notice', 'old.address@example.test')).data,
    ).toMatchObject({ newEmail: 'new.address@example.test' });
    expect((await post('/me/email/confirm', { token }, a.accessToken)).body.code).toBe('invalid_token');
    expect((await auditActions(t.dataSource, user.id)).map((x) => x.action)).toEqual(
      expect.arrayContaining(['auth.email_change_requested', 'auth.email_change']),
    );
    // Sign-in now works with the new address only.
    expect(
      (await post('/auth/login', { email: 'old.address@example.test', password: TEST_PASSWORD })).status,
    ).toBe(401);
    expect(
      (await post('/auth/login', { email: 'new.address@example.test', password: TEST_PASSWORD })).status,
    ).toBe(200);
  });

  it('refuses email changes for sponsored users, staff and hospital-credentialed accounts', async () => {
    const sponsor = await createUser(t.app, 'provider', { isSponsor: true });
    const sponsored = await createUser(t.app, 'sponsored', { sponsorId: sponsor.id, practiceId: null });
    const hospital = await createUser(t.app, 'provider', { hospitalId: 'CH-42', password: null });
    for (const u of [sponsored, hospital]) {
      const res = await post(
        '/me/email',
        { newEmail: `x-${u.id}@example.test`, password: TEST_PASSWORD },
        await tokenFor(t.app, u),
      );
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('email_change_not_allowed');
    }
    expect(
      (await post('/me/email', { newEmail: 'staff2@example.test', password: TEST_PASSWORD }, staffToken)).body
        .code,
    ).toBe('email_change_not_allowed');
  });

  it('sends a practice change request to the team and the staff list', async () => {
    const user = await createUser(t.app, 'provider', { isSponsor: true });
    const token = await tokenFor(t.app, user);
    const body = {
      newPracticeName: 'Hilltop Family Medicine',
      address: '12 Elm St, Newton, MA 02458',
      phone: '617-555-0142',
      fax: '617-555-0143',
      email: 'me@hilltop.example',
      wasSponsor: true,
    };
    const res = await post('/me/practice-change-requests', body, token);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String) });
    const mail = await lastNotification(t.dataSource, 'team-practice-change', t.config.teamEmail);
    expect(mail.data).toMatchObject({
      requestId: res.body.id,
      newPracticeName: 'Hilltop Family Medicine',
      wasSponsor: true,
      newEmail: 'me@hilltop.example',
    });

    const list = await t
      .http()
      .get('/api/v1/staff/practice-change-requests')
      .set('authorization', `Bearer ${staffToken}`);
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({
      id: res.body.id,
      status: 'open',
      user: { id: user.id, email: user.email },
      oldPractice: { id: user.practiceId },
      newPracticeName: 'Hilltop Family Medicine',
      address: body.address,
      phone: body.phone,
      fax: body.fax,
      email: 'me@hilltop.example',
      wasSponsor: true,
    });
    expect(list.body.nextCursor).toBeNull();

    const { email: _e, ...withoutEmail } = body;
    expect(
      (await post('/me/practice-change-requests', { ...withoutEmail, wasSponsor: false }, token)).status,
    ).toBe(201);
    expect(
      (await post('/me/practice-change-requests', { ...body, wasSponsor: 'yes' }, token)).body.code,
    ).toBe('validation_failed');
    expect((await post('/me/practice-change-requests', { newPracticeName: 'X' }, token)).body.code).toBe(
      'validation_failed',
    );
    expect((await post('/me/practice-change-requests', body, staffToken)).status).toBe(403);
    expect(
      (await t.http().get('/api/v1/staff/practice-change-requests').set('authorization', `Bearer ${token}`))
        .status,
    ).toBe(403);
  });

  it('takes support requests with an optional PNG/JPEG screenshot, due in 2 business days', async () => {
    const user = await createUser(t.app, 'provider', { firstName: 'Sam', lastName: 'Ortiz' });
    const token = await tokenFor(t.app, user);
    const plain = await post(
      '/support-requests',
      { description: 'I cannot find the Validate a Token page.' },
      token,
    );
    expect(plain.status).toBe(201);
    // Tue 2026-11-24 → Wed 25 (1), Thu 26 Thanksgiving, Fri 27 (2): end of Friday in Boston.
    expect(plain.body).toEqual({ id: expect.any(String), dueAt: '2026-11-28T04:59:59.999Z' });
    const mail = await lastNotification(t.dataSource, 'team-support-request', t.config.teamEmail);
    expect(mail.data).toMatchObject({
      requestId: plain.body.id,
      loginEmail: user.email,
      firstName: 'Sam',
      hasScreenshot: false,
    });
    expect(JSON.stringify(mail.data)).not.toContain('Validate a Token');

    const png = Buffer.concat([PNG_HEADER, Buffer.alloc(1000, 7)]);
    const withPng = await post(
      '/support-requests',
      { description: 'Screen attached', screenshot: png.toString('base64') },
      token,
    );
    expect(withPng.status).toBe(201);
    const jpeg = Buffer.concat([JPEG_HEADER, Buffer.alloc(100, 1)]);
    expect(
      (
        await post(
          '/support-requests',
          { description: 'jpeg', screenshot: `data:image/jpeg;base64,${jpeg.toString('base64')}` },
          token,
        )
      ).status,
    ).toBe(201);

    const gif = Buffer.from('GIF89a0000000000');
    const notImage = await post(
      '/support-requests',
      { description: 'gif', screenshot: gif.toString('base64') },
      token,
    );
    expect(notImage.status).toBe(400);
    expect(notImage.body.code).toBe('invalid_screenshot');
    expect(
      (await post('/support-requests', { description: 'junk', screenshot: '***not base64***' }, token)).body
        .code,
    ).toBe('invalid_screenshot');
    const big = Buffer.concat([PNG_HEADER, Buffer.alloc(5 * 1024 * 1024, 1)]);
    const tooBig = await post(
      '/support-requests',
      { description: 'big', screenshot: big.toString('base64') },
      token,
    );
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.code).toBe('screenshot_too_large');
    expect((await post('/support-requests', { description: '   ' }, token)).body.code).toBe(
      'validation_failed',
    );
    expect((await post('/support-requests', {}, token)).body.code).toBe('validation_failed');

    const list = await t
      .http()
      .get('/api/v1/staff/support-requests?limit=2')
      .set('authorization', `Bearer ${staffToken}`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.nextCursor).toEqual(expect.any(String));
    const all = await t
      .http()
      .get('/api/v1/staff/support-requests')
      .set('authorization', `Bearer ${staffToken}`);
    const item = all.body.items.find((i: { id: string }) => i.id === withPng.body.id);
    expect(item).toMatchObject({
      loginEmail: user.email,
      name: 'Sam Ortiz',
      description: 'Screen attached',
      hasScreenshot: true,
      status: 'open',
      overdue: false,
    });
    const shot = await t.http().get(item.screenshotUrl).set('authorization', `Bearer ${staffToken}`);
    expect(shot.status).toBe(200);
    expect(shot.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(shot.body as Buffer, png)).toBe(0);
    expect(
      (
        await t
          .http()
          .get(`/api/v1/staff/support-requests/${plain.body.id}/screenshot`)
          .set('authorization', `Bearer ${staffToken}`)
      ).status,
    ).toBe(404);

    t.clock.advance(5 * 24 * 60 * 60_000);
    staffToken = await tokenFor(t.app, await createUser(t.app, 'staff')); // the earlier session has ended (12 h)
    const later = await t
      .http()
      .get('/api/v1/staff/support-requests')
      .set('authorization', `Bearer ${staffToken}`);
    expect(later.body.items.find((i: { id: string }) => i.id === plain.body.id).overdue).toBe(true);
  });
});
