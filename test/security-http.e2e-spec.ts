/**
 * HTTP hardening (ASVS V14.4 HTTP security headers, V14.5 request validation / CORS, V13.1 API
 * security, V8.3 sensitive data; HIPAA 164.312(e)(1) transmission security).
 * Secrets in logs are checked against the real process in security-faults.e2e-spec.ts; the
 * JWT algorithm pinning in jwt-hardening.e2e-spec.ts.
 */
import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, tokenFor } from './factories/index.js';

const api = '/api/v1';
const ALLOWED = 'https://portal.childrens.example';

describe('HTTP hardening', () => {
  let t: TestContext;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: `${ALLOWED}, https://mypatients.childrens.example` } });
    token = await tokenFor(t.app, await createUser(t.app, 'staff', { password: null }));
  });
  afterAll(() => t.close());

  it.each([
    ['a public route', () => t.http().get(`${api}/health`)],
    ['an authenticated route', () => t.http().get(`${api}/me`).set('authorization', `Bearer ${token}`)],
    ['an error', () => t.http().get(`${api}/no-such-route`)],
  ])('sends the security headers and no x-powered-by on %s', async (_, call) => {
    const res = await call();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("object-src 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['x-dns-prefetch-control']).toBe('off');
  });

  it('answers an allowed origin with its CORS header, including the preflight', async () => {
    const res = await t.http().get(`${api}/health`).set('origin', ALLOWED);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    const preflight = await t
      .http()
      .options(`${api}/me`)
      .set('origin', ALLOWED)
      .set('access-control-request-method', 'GET')
      .set('access-control-request-headers', 'authorization');
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
  });

  it.each([
    'https://evil.example',
    'https://portal.childrens.example.evil.example',
    'http://portal.childrens.example',
    'null',
  ])('gives no CORS header to the origin %s', async (origin) => {
    const res = await t.http().get(`${api}/health`).set('origin', origin);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t
      .http()
      .options(`${api}/me`)
      .set('origin', origin)
      .set('access-control-request-method', 'GET');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses bodies over 1 MiB with 413 problem+json', async () => {
    const res = await t
      .http()
      .post(`${api}/auth/login`)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ email: 'a@b.c', password: 'p'.repeat(1_100_000) }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('answers malformed JSON and unknown routes with problem+json that names no internals', async () => {
    const bad = await t
      .http()
      .post(`${api}/auth/login`)
      .set('content-type', 'application/json')
      .send('{"email":');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('malformed_json');
    expect(bad.text).not.toMatch(/SyntaxError|at JSON\.parse|node_modules/);
    const missing = await t.http().get(`${api}/definitely/not/here`);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('does not take an access token from the query string or a cookie', async () => {
    expect((await t.http().get(`${api}/me`).query({ access_token: token })).status).toBe(401);
    expect(
      (await t.http().get(`${api}/me`).set('cookie', `access_token=${token}; Authorization=Bearer ${token}`))
        .status,
    ).toBe(401);
    expect((await t.http().get(`${api}/me`).set('authorization', `Basic ${token}`)).status).toBe(401);
    expect((await t.http().get(`${api}/me`).set('authorization', `Bearer ${token}`)).status).toBe(200);
  });

  it('does not take an API key from the query string, and refuses a near-miss key', async () => {
    const route = `${api}/integration/portal/patients/MRN-X/access-requests`;
    expect((await t.http().get(route).query({ 'x-api-key': t.config.portalApiKey })).status).toBe(401);
    expect((await t.http().get(route).set('x-api-key', t.config.portalApiKey.toUpperCase())).status).toBe(
      401,
    );
    expect((await t.http().get(route).set('x-api-key', `${t.config.portalApiKey}x`)).status).toBe(401);
    expect((await t.http().get(route).set('x-api-key', t.config.portalApiKey.slice(0, -1))).status).toBe(401);
    expect((await t.http().get(route).set('x-api-key', t.config.portalApiKey)).status).toBe(404); // past authentication: no such MRN
  });

  it.each(['9999-12-31', '0000-01-01', '1899-12-31', '2026-02-30'])(
    'answers a job run for the date %s with 400, not a server error',
    async (asOf) => {
      const res = await t
        .http()
        .post(`${api}/staff/jobs/access-request-expiry/run`)
        .set('authorization', `Bearer ${token}`)
        .send({ asOf });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    },
  );

  it('answers a page the queue dashboard does not have with problem+json, not an HTML error page', async () => {
    const res = await t
      .http()
      .get(`${api}/staff/queues/no/such/page`)
      .set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('not_found');
    expect((await t.http().get(`${api}/staff/queues`).set('authorization', `Bearer ${token}`)).status).toBe(
      200,
    );
  });
});
