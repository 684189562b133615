import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOidc } from 'oidc-provider';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createPractice, makeNpi, createUser, TEST_PASSWORD, tokenFor } from './factories/index.js';
import { ActionTokensService } from '../src/modules/identity/action-tokens.service.js';
import { PasswordService } from '../src/modules/identity/password.service.js';
import { auditActions } from './factories/identity.js';
import { REDIS } from '../src/common/redis/redis.module.js';

const CLIENT_ID = 'mypatients-test';
const CLIENT_SECRET = 'a-long-client-secret-for-the-test-idp-0123456789';
const REDIRECT_URI = 'http://portal.example.test/api/v1/auth/sso/callback';
/** What the app is configured to require of the hospital's sign-in (OIDC_REQUIRED_ACR / OIDC_REQUIRED_AMR). */
const REQUIRED_ACR = 'urn:mychildrens:loa:2';
const REQUIRED_AMR = 'mfa';

/**
 * A real OpenID Connect provider (oidc-provider) on a free port. Its login interaction signs in
 * whoever `nextAccount` names (the hospital identity, CH ID), standing in for the hospital's
 * login page and Duo.
 */
async function startIdp() {
  // What the next login reports: the second factor done (amr mfa) at the required level, unless a test says otherwise.
  const state = { nextAccount: 'CH000001', acr: REQUIRED_ACR, amr: ['pwd', 'mfa'] };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Its development-mode warnings (in-memory adapter, generated keys) are expected in a test.
  const warn = console.warn;
  console.warn = () => undefined;
  const provider = new Provider(issuer, {
    ttl: {
      Interaction: 600,
      Grant: 600,
      Session: 600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { required: () => true },
    acrValues: [REQUIRED_ACR, 'urn:mychildrens:loa:1'],
    // The default claims plus amr, which a hospital IdP puts in its ID tokens (RFC 8176).
    claims: { acr: null, auth_time: null, sid: null, iss: null, openid: ['sub', 'amr'] },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    // Consent is implied for this one first-party client.
    loadExistingGrant: async (ctx: KoaContextWithOidc) => {
      const grantId =
        ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
  });
  console.warn = warn;
  const callback = provider.callback();
  server.on('request', async (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      try {
        await provider.interactionDetails(req, res);
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: state.nextAccount, acr: state.acr, amr: state.amr } },
          { mergeWithLastSubmission: false },
        );
      } catch (error) {
        res.statusCode = 500;
        res.end(String(error));
      }
      return;
    }
    callback(req, res);
  });
  return { issuer, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Follows the browser's redirects through the IdP (keeping its cookies) until it points back at our callback. */
async function browseToCallback(start: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(REDIRECT_URI)) return new URL(url);
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`IdP answered ${res.status} without a redirect: ${await res.text()}`);
    url = new URL(location, url).toString();
  }
  throw new Error('too many redirects');
}

describe('identity: hospital SSO (OIDC code flow with PKCE against a real provider)', () => {
  let t: TestContext;
  let idp: Awaited<ReturnType<typeof startIdp>>;
  beforeAll(async () => {
    idp = await startIdp();
    t = await createTestApp({
      env: {
        OIDC_ISSUER: idp.issuer,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_CLIENT_SECRET: CLIENT_SECRET,
        OIDC_REDIRECT_URI: REDIRECT_URI,
        OIDC_REQUIRED_ACR: REQUIRED_ACR,
        OIDC_REQUIRED_AMR: REQUIRED_AMR,
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await idp.close();
  });

  /** The binding cookie the last start set (the browser's jar, for our origin). */
  let lastCookie = '';

  async function startLogin(): Promise<URL> {
    const res = await t.http().get('/api/v1/auth/sso/login');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location);
    expect(location.origin).toBe(idp.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toBeTruthy();
    expect(location.searchParams.get('nonce')).toBeTruthy();
    expect(location.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    const setCookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('mp_sso='));
    lastCookie = setCookie ? setCookie.split(';')[0] : '';
    return location;
  }

  const callback = (url: URL, cookie?: string) => {
    const req = t.http().get(`/api/v1/auth/sso/callback${url.search}`);
    return cookie ? req.set('cookie', cookie) : req;
  };

  /** The browser's way back: the callback (with its cookie) redirects to the portal, whose page exchanges the code. */
  async function signInThrough(back: URL) {
    const res = await callback(back, lastCookie);
    expect(res.status).toBe(302);
    const portal = new URL(res.headers.location);
    expect(`${portal.origin}${portal.pathname}`).toBe('https://portal.test/sso');
    return t
      .http()
      .post('/api/v1/auth/sso/exchange')
      .send({ code: portal.searchParams.get('code') });
  }

  it('signs a hospital-credentialed provider in and returns tokens for that account', async () => {
    const staffToken = await tokenFor(t.app, await createUser(t.app, 'staff'));
    const practice = await createPractice(t.dataSource);
    const created = await t
      .http()
      .post('/api/v1/staff/hospital-accounts')
      .set('authorization', `Bearer ${staffToken}`)
      .send({
        hospitalId: 'CH777001',
        email: 'sso.doc@childrens.example',
        firstName: 'Sol',
        lastName: 'Obi',
        npi: makeNpi(),
        practiceId: practice.id,
      });
    expect(created.status).toBe(201);

    idp.state.nextAccount = 'CH777001';
    const back = await browseToCallback((await startLogin()).toString());
    expect(back.searchParams.get('code')).toBeTruthy();
    const res = await signInThrough(back);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
    });
    expect(res.body.user).toMatchObject({
      id: created.body.userId,
      kind: 'provider',
      email: 'sso.doc@childrens.example',
      practice: { id: practice.id },
    });
    const me = await t.http().get('/api/v1/me').set('authorization', `Bearer ${res.body.accessToken}`);
    expect(me.status).toBe(200);
    const [session] = await t.dataSource.query('SELECT method FROM sessions WHERE user_id = $1', [
      created.body.userId,
    ]);
    expect(session.method).toBe('sso');
    expect(
      (await auditActions(t.dataSource, created.body.userId)).map((a) => `${a.action}:${a.outcome}`),
    ).toContain('auth.sso:success');

    // The state is spent: the same callback cannot be replayed, not even by the same browser.
    const replay = await callback(back, lastCookie);
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('sso_state_invalid');
  });

  it('answers 403 account_not_found for a hospital identity without an account', async () => {
    idp.state.nextAccount = 'CH-UNKNOWN-9';
    const res = await callback(await browseToCallback((await startLogin()).toString()), lastCookie);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_not_found');
  });

  it('refuses a deactivated hospital account and callbacks with a forged or missing state', async () => {
    await createUser(t.app, 'provider', { hospitalId: 'CH777002', password: null, status: 'deactivated' });
    idp.state.nextAccount = 'CH777002';
    const res = await callback(await browseToCallback((await startLogin()).toString()), lastCookie);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('account_deactivated');

    expect((await t.http().get('/api/v1/auth/sso/callback?code=abc&state=forged')).body.code).toBe(
      'sso_state_invalid',
    );
    expect((await t.http().get('/api/v1/auth/sso/callback?code=abc')).body.code).toBe('sso_state_invalid');

    // A real state with a code that is not the IdP's: the exchange fails cleanly.
    const login = await startLogin();
    const forged = new URL(REDIRECT_URI);
    forged.searchParams.set('code', 'not-a-real-code');
    forged.searchParams.set('state', login.searchParams.get('state')!);
    forged.searchParams.set('iss', idp.issuer);
    const bad = await callback(forged, lastCookie);
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('sso_failed');
  });

  describe('issue 18 item 6: bound to the browser, second factor required, no tokens in a GET', () => {
    let hospitalId = 0;
    async function hospitalAccount() {
      const id = `CH8800${String(++hospitalId).padStart(2, '0')}`;
      const user = await createUser(t.app, 'provider', { hospitalId: id, password: null });
      idp.state.nextAccount = id;
      return user;
    }
    afterEach(() => {
      idp.state.acr = REQUIRED_ACR;
      idp.state.amr = ['pwd', 'mfa'];
    });

    it('sets an HttpOnly, SameSite=Lax binding cookie at the start, scoped to the SSO routes, and asks the IdP for the required acr', async () => {
      const res = await t.http().get('/api/v1/auth/sso/login');
      expect(res.status).toBe(302);
      expect(res.headers['cache-control']).toBe('no-store');
      const cookie = ([] as string[])
        .concat(res.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith('mp_sso='));
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/; HttpOnly/i);
      expect(cookie).toMatch(/; SameSite=Lax/i);
      expect(cookie).toMatch(/; Path=\/api\/v1\/auth\/sso/i);
      expect(cookie).toMatch(/; Max-Age=600/i);
      expect(new URL(res.headers.location).searchParams.get('acr_values')).toBe(REQUIRED_ACR);
    });

    it('refuses a leaked callback URL in another browser (no or another cookie) with sso_state_invalid, and the right browser still completes it', async () => {
      const user = await hospitalAccount();
      const back = await browseToCallback((await startLogin()).toString());
      const mine = lastCookie;
      await startLogin(); // another browser's own login: its cookie does not fit this state
      const other = lastCookie;
      for (const cookie of [undefined, other, 'mp_sso=forged-value']) {
        const stolen = await callback(back, cookie);
        expect(stolen.status).toBe(400);
        expect(stolen.body.code).toBe('sso_state_invalid');
        expect(stolen.headers.location).toBeUndefined();
        expect(JSON.stringify(stolen.body)).not.toMatch(/accessToken|refreshToken/);
      }
      lastCookie = mine;
      const res = await signInThrough(back);
      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(user.id);
      const reasons = (
        await t.dataSource.query(
          `SELECT details->>'reason' AS reason FROM audit_events WHERE action = 'auth.sso' AND outcome = 'failure'`,
        )
      ).map((r: { reason: string }) => r.reason);
      expect(reasons.filter((r: string) => r === 'other_browser').length).toBeGreaterThanOrEqual(3);
    });

    it.each([
      ['an amr without the second factor', { amr: ['pwd'] }, 'amr_not_met'],
      ['no amr at all', { amr: undefined }, 'amr_not_met'],
      ['a lower acr', { acr: 'urn:mychildrens:loa:1' }, 'acr_not_met'],
    ])(
      'refuses a hospital sign-in with %s (OIDC_REQUIRED_AMR / OIDC_REQUIRED_ACR): 401 sso_failed, no session',
      async (_label, login, reason) => {
        const user = await hospitalAccount();
        Object.assign(idp.state, login);
        const res = await callback(await browseToCallback((await startLogin()).toString()), lastCookie);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('sso_failed');
        const [{ n }] = await t.dataSource.query(
          'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1',
          [user.id],
        );
        expect(n).toBe(0);
        const [{ m }] = await t.dataSource.query(
          `SELECT count(*)::int AS m FROM audit_events WHERE action = 'auth.sso' AND outcome = 'failure' AND details->>'reason' = $1`,
          [reason],
        );
        expect(m).toBeGreaterThan(0);
      },
    );

    it('answers the callback with a 302 to the portal carrying a one-time code (no tokens), exchanged once with no-store, then invalid_token', async () => {
      const user = await hospitalAccount();
      const res = await callback(await browseToCallback((await startLogin()).toString()), lastCookie);
      expect(res.status).toBe(302);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(JSON.stringify(res.body ?? {})).not.toMatch(/accessToken|refreshToken/);
      // The binding cookie is spent with the state.
      expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => /^mp_sso=;/.test(c))).toBe(
        true,
      );
      const location = new URL(res.headers.location);
      expect(`${location.origin}${location.pathname}`).toBe('https://portal.test/sso');
      const code = location.searchParams.get('code')!;
      expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // Redis holds the code only hashed, for at most 60 s.
      const redis = t.app.get<import('ioredis').Redis>(REDIS);
      const keys = await redis.keys('*sso:code:*');
      expect(keys.some((k) => k.includes(code))).toBe(false);
      const ttl = Math.max(...(await Promise.all(keys.map((k) => redis.ttl(k)))));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);

      const exchanged = await t.http().post('/api/v1/auth/sso/exchange').send({ code });
      expect(exchanged.status).toBe(200);
      expect(exchanged.headers['cache-control']).toBe('no-store');
      expect(exchanged.body).toMatchObject({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: 900,
        user: { id: user.id },
      });
      const again = await t.http().post('/api/v1/auth/sso/exchange').send({ code });
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('invalid_token');
      expect(
        (
          await t
            .http()
            .post('/api/v1/auth/sso/exchange')
            .send({ code: 'x'.repeat(43) })
        ).body.code,
      ).toBe('invalid_token');
    });
  });

  it('cannot sign in to a hospital account with a password, even one whose password hash is set and given right', async () => {
    const u = await createUser(t.app, 'provider', { hospitalId: 'CH777003', password: TEST_PASSWORD });
    const [{ password_hash }] = await t.dataSource.query(`SELECT password_hash FROM users WHERE id = $1`, [
      u.id,
    ]);
    expect(password_hash).toEqual(expect.any(String));
    for (const password of [TEST_PASSWORD, 'anything goes here 123']) {
      const res = await t.http().post('/api/v1/auth/login').send({ email: u.email, password });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
    }
    // Refused before any password check: nothing counts towards a lock.
    const [{ failed_login_count }] = await t.dataSource.query(
      `SELECT failed_login_count FROM users WHERE id = $1`,
      [u.id],
    );
    expect(failed_login_count).toBe(0);
  });

  it('gives a hospital account no password reset (it would bypass the IdP second factor): no email, and a reset link is invalid_token', async () => {
    const u = await createUser(t.app, 'provider', { hospitalId: 'CH777004', password: TEST_PASSWORD });
    const forgot = await t.http().post('/api/v1/auth/password/forgot').send({ email: u.email });
    expect(forgot.status).toBe(202);
    const other = await createUser(t.app, 'provider');
    await t.http().post('/api/v1/auth/password/forgot').send({ email: other.email });
    await t.smtp.waitForTo(other.email, 'Reset your'); // the relay has run: a mail to the hospital account would be there by now
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE recipient = $1`,
      [u.email],
    );
    expect(n).toBe(0);
    expect(t.smtp.messages.filter((m) => m.to.includes(u.email))).toEqual([]);

    // A reset link issued anyway (say, before the account became hospital-credentialed) does not work.
    const token = await t.dataSource.transaction((m) =>
      t.app.get(ActionTokensService).issue(m, u.id, 'reset_password'),
    );
    const res = await t
      .http()
      .post('/api/v1/auth/password/reset')
      .send({ token, password: 'a brand new passphrase 77' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_token');
    const [{ password_hash }] = await t.dataSource.query(`SELECT password_hash FROM users WHERE id = $1`, [
      u.id,
    ]);
    expect(await t.app.get(PasswordService).verify(password_hash, TEST_PASSWORD)).toBe(true);
  });
});
