import { emailedToken } from './support/smtp-sink.js';
import { ActionTokensService } from '../src/modules/identity/action-tokens.service.js';
import { TotpService } from '../src/modules/identity/totp.service.js';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, TEST_PASSWORD, tokenFor } from './factories/index.js';
import {
  auditActions,
  lastNotification,
  notifications,
  signIn,
  STRONG_PASSWORD,
  totpAt,
} from './factories/identity.js';

describe('identity: sign-in, TOTP, sessions, lockout, reset, activation', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown, token?: string) => {
    const req = t.http().post(`/api/v1${path}`);
    if (token) req.set('authorization', `Bearer ${token}`);
    return req.send(body as object);
  };

  it('enrolls TOTP at the first sign-in, then asks for a code; codes sign in with tokens and the user', async () => {
    const user = await createUser(t.app, 'provider', { email: 'First.Sign@Example.test' });
    const login = await post('/auth/login', { email: ' FIRST.sign@example.test ', password: TEST_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({
      status: 'mfa_enrollment_required',
      mfaToken: expect.any(String),
      secret: expect.stringMatching(/^[A-Z2-7]{16,}$/),
      otpauthUri: expect.stringMatching(
        /^otpauth:\/\/totp\/MyPatients:first\.sign%40example\.test\?.*secret=/,
      ),
    });
    // The secret is encrypted at rest.
    const [row] = await t.dataSource.query('SELECT totp_secret, totp_enrolled_at FROM users WHERE id = $1', [
      user.id,
    ]);
    expect(row.totp_secret).toMatch(/^v1:/);
    expect(row.totp_secret).not.toContain(login.body.secret);
    expect(t.app.get(TotpService).decrypt(row.totp_secret)).toBe(login.body.secret);
    expect(row.totp_enrolled_at).toBeNull();

    const wrong = await post('/auth/mfa', { mfaToken: login.body.mfaToken, code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_code');

    const code = await totpAt(login.body.secret, t.clock.now());
    const mfa = await post('/auth/mfa', { mfaToken: login.body.mfaToken, code });
    expect(mfa.status).toBe(200);
    expect(mfa.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
    });
    expect(mfa.body.user).toMatchObject({
      id: user.id,
      kind: 'provider',
      email: 'first.sign@example.test',
      status: 'active',
      isSponsor: false,
      lockReason: null,
    });

    // Same code again (same step): refused even with a fresh password step.
    const again = await post('/auth/login', { email: user.email, password: TEST_PASSWORD });
    expect(again.body).toEqual({ status: 'mfa_required', mfaToken: expect.any(String) });
    const replay = await post('/auth/mfa', { mfaToken: again.body.mfaToken, code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_code');

    // One step of drift either way works; two does not.
    t.clock.advance(60_000);
    const next = await post('/auth/mfa', {
      mfaToken: again.body.mfaToken,
      code: await totpAt(login.body.secret, new Date(t.clock.now().getTime() - 30_000)),
    });
    expect(next.status).toBe(200);
    t.clock.advance(60_000);
    const third = await post('/auth/login', { email: user.email, password: TEST_PASSWORD });
    const tooOld = await post('/auth/mfa', {
      mfaToken: third.body.mfaToken,
      code: await totpAt(login.body.secret, new Date(t.clock.now().getTime() - 90_000)),
    });
    expect(tooOld.status).toBe(401);

    const me = await t.http().get('/api/v1/me').set('authorization', `Bearer ${mfa.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
    const actions = (await auditActions(t.dataSource, user.id)).map((a) => `${a.action}:${a.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['auth.login:success', 'auth.login:failure']));
  });

  it('expires the mfaToken after 5 minutes and refuses an access token as mfaToken', async () => {
    const user = await createUser(t.app, 'provider');
    const login = await post('/auth/login', { email: user.email, password: TEST_PASSWORD });
    const accessToken = await tokenFor(t.app, user);
    expect((await post('/auth/mfa', { mfaToken: accessToken, code: '123456' })).body.code).toBe(
      'invalid_code',
    );
    // An mfaToken is not an access token either.
    expect(
      (await t.http().get('/api/v1/me').set('authorization', `Bearer ${login.body.mfaToken}`)).status,
    ).toBe(401);
    t.clock.advance(5 * 60_000 + 1000);
    const late = await post('/auth/mfa', {
      mfaToken: login.body.mfaToken,
      code: await totpAt(login.body.secret, t.clock.now()),
    });
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('invalid_code');
  });

  it('answers unknown email and wrong password alike with 401 invalid_credentials', async () => {
    const user = await createUser(t.app, 'provider');
    const unknown = await post('/auth/login', { email: 'nobody@example.test', password: TEST_PASSWORD });
    const wrong = await post('/auth/login', { email: user.email, password: 'not the password at all' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body.code).toBe('invalid_credentials');
    expect((await post('/auth/login', { email: user.email })).body.code).toBe('validation_failed');
    expect(
      (await post('/auth/login', { email: user.email, password: TEST_PASSWORD, remember: true })).status,
    ).toBe(400);
  });

  it('refuses pending, deactivated, rejected and locked accounts at sign-in', async () => {
    for (const [status, code] of [
      ['pending_email', 'account_pending'],
      ['pending_approval', 'account_pending'],
      ['deactivated', 'account_deactivated'],
      ['rejected', 'account_rejected'],
    ] as const) {
      const user = await createUser(t.app, 'provider', { status });
      const res = await post('/auth/login', { email: user.email, password: TEST_PASSWORD });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe(code);
    }
    const invited = await createUser(t.app, 'sponsored', { status: 'invited', password: null });
    expect((await post('/auth/login', { email: invited.email, password: TEST_PASSWORD })).body.code).toBe(
      'invalid_credentials',
    );

    const staffLocked = await createUser(t.app, 'provider', { status: 'locked', lockReason: 'staff' });
    const res = await post('/auth/login', { email: staffLocked.email, password: TEST_PASSWORD });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_locked');

    // A sponsored user locked for validation_overdue is refused; their sponsor is not.
    const lockedSponsored = await createUser(t.app, 'sponsored', {
      status: 'locked',
      lockReason: 'validation_overdue',
    });
    expect(
      (await post('/auth/login', { email: lockedSponsored.email, password: TEST_PASSWORD })).body.code,
    ).toBe('account_locked');
  });

  it('lets a sponsor locked for validation_overdue sign in, use /me and /auth/* but nothing else', async () => {
    const sponsor = await createUser(t.app, 'provider', {
      status: 'locked',
      lockReason: 'validation_overdue',
      isSponsor: true,
    });
    const session = await signIn(t, sponsor.email);
    expect(session.user).toMatchObject({
      status: 'locked',
      lockReason: 'validation_overdue',
      isSponsor: true,
    });
    const me = await t.http().get('/api/v1/me').set('authorization', `Bearer ${session.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.lockReason).toBe('validation_overdue');
    // (v1.1: help requests are on the locked sponsor's allow-list, practice changes are not)
    const other = await post('/me/practice-change-requests', {}, session.accessToken);
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('account_locked');
    const refreshed = await post('/auth/refresh', { refreshToken: session.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await post('/auth/logout', {}, refreshed.body.accessToken)).status).toBe(204);
  });

  it('locks an account for 15 minutes after five failed sign-ins, emails the owner, and lifts the lock by itself', async () => {
    const user = await createUser(t.app, 'provider');
    for (let i = 0; i < 4; i++)
      expect(
        (await post('/auth/login', { email: user.email, password: 'wrong password number x' })).status,
      ).toBe(401);
    const fifth = await post('/auth/login', { email: user.email, password: 'wrong password number x' });
    expect(fifth.status).toBe(401);
    const [row] = await t.dataSource.query(
      'SELECT status, lock_reason, locked_until FROM users WHERE id = $1',
      [user.id],
    );
    expect(row).toMatchObject({ status: 'locked', lock_reason: 'failed_logins' });
    expect(new Date(row.locked_until).getTime()).toBe(t.clock.now().getTime() + 15 * 60_000);
    expect(await lastNotification(t.dataSource, 'account-locked-failed-logins', user.email)).toBeTruthy();

    // Even the right password is refused while locked, unchecked, with the wrong-password answer (issue 18 item 5).
    const locked = await post('/auth/login', { email: user.email, password: TEST_PASSWORD });
    expect(locked.status).toBe(401);
    expect(locked.body.code).toBe('invalid_credentials');

    t.clock.advance(15 * 60_000);
    const after = await post('/auth/login', { email: user.email, password: TEST_PASSWORD });
    expect(after.status).toBe(200);
    const [unlocked] = await t.dataSource.query(
      'SELECT status, lock_reason, failed_login_count FROM users WHERE id = $1',
      [user.id],
    );
    expect(unlocked).toEqual({ status: 'active', lock_reason: null, failed_login_count: 0 });
    const actions = (await auditActions(t.dataSource, user.id)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.lock', 'auth.unlock']));
  });

  it('counts wrong TOTP codes as failed sign-ins', async () => {
    const user = await createUser(t.app, 'provider');
    const login = await post('/auth/login', { email: user.email, password: TEST_PASSWORD });
    for (let i = 0; i < 5; i++)
      expect((await post('/auth/mfa', { mfaToken: login.body.mfaToken, code: '000001' })).status).toBe(401);
    const [row] = await t.dataSource.query('SELECT status, lock_reason FROM users WHERE id = $1', [user.id]);
    expect(row).toEqual({ status: 'locked', lock_reason: 'failed_logins' });
    expect(
      (
        await post('/auth/mfa', {
          mfaToken: login.body.mfaToken,
          code: await totpAt(login.body.secret, t.clock.now()),
        })
      ).body.code,
    ).toBe('account_locked');
  });

  it('lets staff unlock a locked account and tells its owner', async () => {
    const staff = await createUser(t.app, 'staff');
    const staffToken = await tokenFor(t.app, staff);
    const user = await createUser(t.app, 'provider');
    for (let i = 0; i < 5; i++)
      await post('/auth/login', { email: user.email, password: 'wrong password number y' });
    const res = await post(`/staff/users/${user.id}/unlock`, {}, staffToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'active' });
    expect(await lastNotification(t.dataSource, 'account-unlocked', user.email)).toBeTruthy();
    expect((await post('/auth/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(200);
    const again = await post(`/staff/users/${user.id}/unlock`, {}, staffToken);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('not_locked');
    const validation = await createUser(t.app, 'provider', {
      status: 'locked',
      lockReason: 'validation_overdue',
      isSponsor: true,
    });
    expect((await post(`/staff/users/${validation.id}/unlock`, {}, staffToken)).body.code).toBe(
      'validation_lock',
    );
    expect(
      (await post('/staff/users/00000000-0000-4000-8000-000000000000/unlock', {}, staffToken)).status,
    ).toBe(404);
    expect((await post('/staff/users/123/unlock', {}, staffToken)).status).toBe(404);
    expect((await post(`/staff/users/${user.id}/unlock`, {}, await tokenFor(t.app, user))).status).toBe(403);
    expect((await auditActions(t.dataSource, staff.id)).map((a) => a.action)).toContain('staff.unlock');
  });

  it('rotates refresh tokens; reusing a spent one revokes the whole session', async () => {
    const user = await createUser(t.app, 'provider');
    const s = await signIn(t, user.email);
    const r1 = await post('/auth/refresh', { refreshToken: s.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect(r1.body.refreshToken).not.toBe(s.refreshToken);
    const reuse = await post('/auth/refresh', { refreshToken: s.refreshToken });
    expect(reuse.status).toBe(401);
    // The chain is gone: the newest token and its access token stop working too.
    expect((await post('/auth/refresh', { refreshToken: r1.body.refreshToken })).status).toBe(401);
    expect(
      (await t.http().get('/api/v1/me').set('authorization', `Bearer ${r1.body.accessToken}`)).status,
    ).toBe(401);
    expect((await auditActions(t.dataSource, user.id)).map((a) => a.action)).toContain('auth.refresh_reuse');
    expect((await post('/auth/refresh', { refreshToken: 'unknown' })).status).toBe(401);
    expect((await post('/auth/refresh', {})).status).toBe(400);
  });

  it('ends sessions idle for 30 minutes and 12 hours after sign-in', async () => {
    const user = await createUser(t.app, 'provider');
    const s = await signIn(t, user.email);
    t.clock.advance(29 * 60_000);
    const ok = await post('/auth/refresh', { refreshToken: s.refreshToken });
    expect(ok.status).toBe(200);
    t.clock.advance(30 * 60_000);
    expect((await post('/auth/refresh', { refreshToken: ok.body.refreshToken })).status).toBe(401);

    // Kept busy (a refresh every 25 minutes), the session lives exactly 12 hours from sign-in.
    const before = t.clock.now().getTime();
    const s2 = await signIn(t, user.email, TEST_PASSWORD, s.secret);
    const signedInAt = before; // signIn() moves the clock 30 s past the code it used, after the session opened
    let token = s2.refreshToken;
    let access = s2.accessToken;
    const refreshAt = async (minutesAfterSignIn: number) => {
      t.clock.set(new Date(signedInAt + minutesAfterSignIn * 60_000));
      return post('/auth/refresh', { refreshToken: token });
    };
    for (let minute = 25; minute <= 700; minute += 25) {
      const r = await refreshAt(minute);
      expect([minute, r.status]).toEqual([minute, 200]);
      token = r.body.refreshToken;
    }
    // One minute before the 12 hours it still refreshes, and the access token it gives lasts only
    // until the end of the session; at 12 hours the session is over.
    const last = await refreshAt(12 * 60 - 1);
    expect(last.status).toBe(200);
    expect(last.body.expiresIn).toBe(60);
    token = last.body.refreshToken;
    access = last.body.accessToken;
    expect((await t.http().get('/api/v1/me').set('authorization', `Bearer ${access}`)).status).toBe(200);
    const expired = await refreshAt(12 * 60);
    expect([expired.status, expired.body.code]).toEqual([401, 'unauthenticated']);
    expect((await t.http().get('/api/v1/me').set('authorization', `Bearer ${access}`)).status).toBe(401);
  });

  it('logs out: that session ends, others stay', async () => {
    const user = await createUser(t.app, 'provider');
    const a = await signIn(t, user.email);
    const b = await signIn(t, user.email, TEST_PASSWORD, a.secret);
    expect((await post('/auth/logout', {}, a.accessToken)).status).toBe(204);
    expect((await t.http().get('/api/v1/me').set('authorization', `Bearer ${a.accessToken}`)).status).toBe(
      401,
    );
    expect((await post('/auth/refresh', { refreshToken: a.refreshToken })).status).toBe(401);
    expect((await t.http().get('/api/v1/me').set('authorization', `Bearer ${b.accessToken}`)).status).toBe(
      200,
    );
    expect((await post('/auth/logout', {})).status).toBe(401);
  });

  it('resets a password through a single-use 1-hour link that ends every session and keeps TOTP', async () => {
    const user = await createUser(t.app, 'provider');
    const s = await signIn(t, user.email);
    const forgot = await post('/auth/password/forgot', { email: user.email.toUpperCase() });
    expect(forgot.status).toBe(202);
    const unknown = await post('/auth/password/forgot', { email: 'nobody-here@example.test' });
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(forgot.body);
    expect(await notifications(t.dataSource, { to: 'nobody-here@example.test' })).toHaveLength(0);
    const token = await emailedToken(
      t.smtp,
      (await lastNotification(t.dataSource, 'password-reset', user.email)).id,
    );

    const weak = await post('/auth/password/reset', { token, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.code).toBe('weak_password');
    const reset = await post('/auth/password/reset', { token, password: STRONG_PASSWORD });
    expect(reset.status).toBe(204);
    expect((await post('/auth/password/reset', { token, password: STRONG_PASSWORD })).body.code).toBe(
      'invalid_token',
    );
    expect((await t.http().get('/api/v1/me').set('authorization', `Bearer ${s.accessToken}`)).status).toBe(
      401,
    );
    expect(await lastNotification(t.dataSource, 'password-changed', user.email)).toBeTruthy();

    // Old password out, new in, and the second factor is still asked for.
    expect((await post('/auth/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(401);
    const login = await post('/auth/login', { email: user.email, password: STRONG_PASSWORD });
    expect(login.body.status).toBe('mfa_required');

    // Links expire after an hour.
    await post('/auth/password/forgot', { email: user.email });
    const late = await emailedToken(
      t.smtp,
      (await lastNotification(t.dataSource, 'password-reset', user.email)).id,
    );
    t.clock.advance(60 * 60_000 + 1000);
    expect(
      (await post('/auth/password/reset', { token: late, password: 'another fine passphrase 55' })).body.code,
    ).toBe('invalid_token');
    expect((await auditActions(t.dataSource, user.id)).map((a) => a.action)).toEqual(
      expect.arrayContaining(['auth.password_reset_requested', 'auth.password_reset']),
    );
  });

  it('activates an invited account with a password', async () => {
    const sponsor = await createUser(t.app, 'provider', { isSponsor: true });
    const invited = await createUser(t.app, 'sponsored', {
      status: 'invited',
      password: null,
      sponsorId: sponsor.id,
      practiceId: null,
    });
    const token = await t.dataSource.transaction((m) =>
      t.app.get(ActionTokensService).issue(m, invited.id, 'activate'),
    );
    const weak = await post('/auth/activate', { token, password: 'aaaaaaaaaaaaaaa' });
    expect(weak.status).toBe(400);
    expect(weak.body.code).toBe('weak_password');
    const res = await post('/auth/activate', { token, password: STRONG_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'active' });
    expect((await post('/auth/activate', { token, password: STRONG_PASSWORD })).body.code).toBe(
      'invalid_token',
    );
    const s = await signIn(t, invited.email, STRONG_PASSWORD);
    expect(s.user).toMatchObject({
      kind: 'sponsored',
      status: 'active',
      practice: { id: sponsor.practiceId },
    });
    expect((await post('/auth/activate', { token: 'x', password: STRONG_PASSWORD })).body.code).toBe(
      'invalid_token',
    );
  });

  it('throttles per account before per address, answering 429 with Retry-After', async () => {
    const user = await createUser(t.app, 'provider');
    let limited: { status: number; headers: Record<string, string>; body: { code: string } } | undefined;
    for (let i = 0; i < 12; i++) {
      const res = await post('/auth/login', {
        email: `throttle-${user.email}`,
        password: 'whatever it may be',
      });
      if (res.status === 429) {
        limited = res as never;
        break;
      }
    }
    expect(limited).toBeDefined();
    expect(limited!.body.code).toBe('rate_limited');
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    // Other accounts from the same address are not affected.
    expect((await post('/auth/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(200);
  });

  it('lets one address (a practice NAT) make well over 100 sign-in route requests a minute', async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 150; i++) {
      const res = await post('/auth/verify-email', { token: `not-a-token-${i}` });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    expect(statuses.get(400)).toBe(150);
  });
});
