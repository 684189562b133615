import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, tokenFor } from './factories/index.js';

describe('service foundation', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('reports database and Redis up on /health', async () => {
    const res = await t.http().get('/api/v1/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
  });

  it('serves the OpenAPI document with bearer and API-key schemes', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toContain('/api/v1/health');
    expect(Object.keys(res.body.components.securitySchemes)).toEqual(
      expect.arrayContaining(['bearer', 'ehr-key', 'portal-key']),
    );
    await t.http().get('/docs').expect(200).expect('content-type', /html/);
  });

  it('answers unknown routes with a not_found problem', async () => {
    const res = await t.http().get('/api/v1/no-such-route').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found', code: 'not_found' });
    expect(typeof res.body.detail).toBe('string');
  });

  it('rejects malformed JSON with 400 malformed_json', async () => {
    const res = await t
      .http()
      .post('/api/v1/staff/jobs/access-request-expiry/run')
      .set('content-type', 'application/json')
      .send('{"asOf": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('malformed_json');
  });

  it('rejects bodies over 1 MiB with 413', async () => {
    const res = await t
      .http()
      .post('/api/v1/staff/jobs/access-request-expiry/run')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ asOf: 'x'.repeat(1024 * 1024 + 10) }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('rejects unknown fields with validation_failed and names them', async () => {
    const staff = await createUser(t.app, 'staff');
    const token = await tokenFor(t.app, staff);
    const res = await t
      .http()
      .post('/api/v1/staff/jobs/access-request-expiry/run')
      .set('authorization', `Bearer ${token}`)
      .send({ asOf: '2026-11-16', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'extra' })]));
  });

  it('answers 401 unauthenticated without a token and 403 for a non-staff caller on staff routes', async () => {
    const noToken = await t.http().post('/api/v1/staff/jobs/access-request-expiry/run').send({});
    expect(noToken.status).toBe(401);
    expect(noToken.body.code).toBe('unauthenticated');
    const bad = await t
      .http()
      .post('/api/v1/staff/jobs/access-request-expiry/run')
      .set('authorization', 'Bearer not.a.jwt')
      .send({});
    expect(bad.status).toBe(401);
    const provider = await createUser(t.app, 'provider');
    const res = await t
      .http()
      .post('/api/v1/staff/jobs/access-request-expiry/run')
      .set('authorization', `Bearer ${await tokenFor(t.app, provider)}`)
      .send({});
    expect(res.status).toBe(403);
  });

  it('refuses a token whose session was revoked', async () => {
    const staff = await createUser(t.app, 'staff');
    const token = await tokenFor(t.app, staff);
    await t.dataSource.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1', [staff.id]);
    const res = await t
      .http()
      .post('/api/v1/staff/jobs/access-request-expiry/run')
      .set('authorization', `Bearer ${token}`)
      .send({});
    expect(res.status).toBe(401);
  });

  it('sets security headers and hides x-powered-by', async () => {
    const res = await t.http().get('/api/v1/health');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
