import { createTestApp, type TestContext } from '../support/test-app.js';
import { ensureWebBuilt } from './support.js';

/** The backend serves the built web portal at `/` with a fallback to index.html (API.md v1.1 "Service"). */
describe('web app served by the backend', () => {
  let t: TestContext;

  beforeAll(async () => {
    await ensureWebBuilt();
    t = await createTestApp();
  }, 120_000);
  afterAll(() => t.close());

  it.each([
    '/',
    '/sign-in',
    '/verify-email?token=abc_DEF-123',
    '/activate?token=x',
    '/patients/6f1c1c33-0000-4000-8000-000000000001',
    '/dev/mailbox',
  ])('answers GET %s with the app (index.html, revalidated)', async (path) => {
    const res = await t.http().get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<div id="root"></div>');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers HEAD for app paths', async () => {
    const res = await t.http().head('/reset-password?token=abc');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  it('serves the hashed assets with a long cache life, and 404s a missing one', async () => {
    const index = (await t.http().get('/')).text;
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index)![1];
    const res = await t.http().get(asset);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await t.http().get('/assets/missing-0000.js');
    expect(missing.status).toBe(404);
    expect(missing.text).not.toContain('<div id="root">');
  });

  it('leaves unmatched /api/* a 404 problem+json, and /docs the OpenAPI document', async () => {
    const api = await t.http().get('/api/v1/no-such-route');
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(api.body.code).toBe('not_found');
    const head = await t.http().head('/api/v1/no-such-route');
    expect(head.status).toBe(404);
    const docs = await t.http().get('/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toMatch(/^3\./);
    expect((await t.http().get('/docs')).text).toContain('swagger');
  });

  it('does not serve the app for POST', async () => {
    const res = await t.http().post('/sign-in').send({});
    expect(res.status).toBe(404);
  });
});
