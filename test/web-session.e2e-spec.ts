import { createUser, TEST_PASSWORD } from './factories/index.js';
import { totpAt } from './factories/identity.js';
import { REFRESH_COOKIE } from '../src/modules/identity/refresh-cookie.js';
import { createTestApp, type TestContext } from './support/test-app.js';

/** API.md v1.1 "Sign-in changes for the web app": the refresh token also travels in an HttpOnly, SameSite=Strict cookie on /api/v1/auth. */
describe('web session: the refresh-token cookie', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const setCookies = (res: { headers: Record<string, unknown> }): string[] => {
    const raw = res.headers['set-cookie'];
    return Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  };
  const refreshCookie = (res: { headers: Record<string, unknown> }): string | undefined =>
    setCookies(res).find((c) => c.startsWith(`${REFRESH_COOKIE}=`));
  const cookieToken = (res: { headers: Record<string, unknown> }): string =>
    decodeURIComponent(
      refreshCookie(res)!
        .split(';')[0]
        .slice(REFRESH_COOKIE.length + 1),
    );

  async function signInWithCookie() {
    const user = await createUser(t.app, 'provider');
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD });
    const mfa = await t
      .http()
      .post('/api/v1/auth/mfa')
      .send({ mfaToken: login.body.mfaToken, code: await totpAt(login.body.secret, t.clock.now()) });
    t.clock.advance(30_000);
    expect(mfa.status).toBe(200);
    return { user, mfa };
  }

  it('POST /auth/mfa sets the refresh token as an HttpOnly, SameSite=Strict cookie on /api/v1/auth (not Secure outside production), body unchanged', async () => {
    const { mfa } = await signInWithCookie();
    expect(mfa.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
    });
    const cookie = refreshCookie(mfa)!;
    expect(cookie).toBeDefined();
    expect(cookieToken(mfa)).toBe(mfa.body.refreshToken);
    const attributes = cookie.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['path=/api/v1/auth', 'httponly', 'samesite=strict']));
    expect(attributes).not.toContain('secure');
    expect(attributes.find((a) => a.startsWith('max-age='))).toBe('max-age=43200');
  });

  it('POST /auth/refresh takes the cookie in place of the body field, rotates it, and a spent cookie ends the session', async () => {
    const { mfa } = await signInWithCookie();
    const first = await t
      .http()
      .post('/api/v1/auth/refresh')
      .set('Cookie', refreshCookie(mfa)!.split(';')[0])
      .send({});
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
    });
    expect(first.body.refreshToken).not.toBe(mfa.body.refreshToken);
    expect(cookieToken(first)).toBe(first.body.refreshToken);
    expect(
      (await t.http().get('/api/v1/me').set('authorization', `Bearer ${first.body.accessToken}`)).status,
    ).toBe(200);

    // A request with no body at all (what the web app sends) works too.
    const second = await t
      .http()
      .post('/api/v1/auth/refresh')
      .set('Cookie', `${REFRESH_COOKIE}=${encodeURIComponent(cookieToken(first))}`);
    expect(second.status).toBe(200);

    // Replaying a spent token, from the cookie as from the body, revokes the session.
    const replay = await t
      .http()
      .post('/api/v1/auth/refresh')
      .set('Cookie', `${REFRESH_COOKIE}=${encodeURIComponent(cookieToken(first))}`);
    expect(replay.status).toBe(401);
    expect(
      (
        await t
          .http()
          .post('/api/v1/auth/refresh')
          .set('Cookie', `${REFRESH_COOKIE}=${encodeURIComponent(cookieToken(second))}`)
      ).status,
    ).toBe(401);
  });

  it('keeps the v1 body field (which wins over a cookie) and sets the cookie from it; neither is 400 validation_failed', async () => {
    const { mfa } = await signInWithCookie();
    const viaBody = await t
      .http()
      .post('/api/v1/auth/refresh')
      .set('Cookie', `${REFRESH_COOKIE}=not-a-token`)
      .send({ refreshToken: mfa.body.refreshToken });
    expect(viaBody.status).toBe(200);
    expect(cookieToken(viaBody)).toBe(viaBody.body.refreshToken);

    const neither = await t.http().post('/api/v1/auth/refresh').set('Cookie', 'other=1').send({});
    expect(neither.status).toBe(400);
    expect(neither.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(neither.body).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ field: 'refreshToken' })],
    });
    expect((await t.http().post('/api/v1/auth/refresh').send({ refreshToken: '' })).status).toBe(400);
    expect(
      (await t.http().post('/api/v1/auth/refresh').set('Cookie', `${REFRESH_COOKIE}=unknown`)).status,
    ).toBe(401);
  });

  it('POST /auth/logout ends the session and clears the cookie on its path', async () => {
    const { mfa } = await signInWithCookie();
    const logout = await t
      .http()
      .post('/api/v1/auth/logout')
      .set('authorization', `Bearer ${mfa.body.accessToken}`)
      .set('Cookie', refreshCookie(mfa)!.split(';')[0]);
    expect(logout.status).toBe(204);
    const cleared = refreshCookie(logout)!;
    expect(cleared).toBeDefined();
    expect(cleared.split(';')[0]).toBe(`${REFRESH_COOKIE}=`);
    expect(cleared.toLowerCase()).toContain('path=/api/v1/auth');
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(
      (await t.http().post('/api/v1/auth/refresh').set('Cookie', refreshCookie(mfa)!.split(';')[0])).status,
    ).toBe(401);
  });

  it('sets no refresh cookie on routes that issue no tokens', async () => {
    const user = await createUser(t.app, 'provider');
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD });
    expect(login.status).toBe(200);
    expect(refreshCookie(login)).toBeUndefined();
  });
});
