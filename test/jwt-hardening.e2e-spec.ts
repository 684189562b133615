import { createHmac } from 'node:crypto';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, tokenFor } from './factories/index.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function forge(header: Record<string, unknown>, claims: Record<string, unknown>, secret?: string): string {
  const unsigned = `${b64(header)}.${b64(claims)}`;
  const signature = secret ? createHmac('sha256', secret).update(unsigned).digest('base64url') : '';
  return `${unsigned}.${signature}`;
}

describe('access-token hardening', () => {
  let t: TestContext;
  let claims: Record<string, unknown>;
  const route = '/api/v1/staff/jobs/access-request-expiry/run';

  beforeAll(async () => {
    t = await createTestApp();
    const staff = await createUser(t.app, 'staff');
    const token = await tokenFor(t.app, staff);
    claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  });
  afterAll(() => t.close());

  const call = (token: string) => t.http().post(route).set('authorization', `Bearer ${token}`).send({});

  it('lets a genuine token through the guard', async () => {
    const res = await call(forge({ alg: 'HS256', typ: 'JWT' }, claims, t.config.jwtSecret));
    // Past the guard the staff route runs the job.
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ job: 'access-request-expiry', asOf: '2026-11-16', affected: 0 });
  });

  it('refuses alg none', async () => {
    const res = await call(forge({ alg: 'none', typ: 'JWT' }, claims));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
  });

  it('refuses another HMAC algorithm even with the right key', async () => {
    const unsigned = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(claims)}`;
    const sig = createHmac('sha512', t.config.jwtSecret).update(unsigned).digest('base64url');
    expect((await call(`${unsigned}.${sig}`)).status).toBe(401);
  });

  it('refuses an RS256 header (key confusion)', async () => {
    expect((await call(forge({ alg: 'RS256', typ: 'JWT' }, claims, t.config.jwtSecret))).status).toBe(401);
  });

  it('refuses a token signed with another key', async () => {
    expect(
      (await call(forge({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-another-secret-xx'))).status,
    ).toBe(401);
  });

  it('refuses wrong issuer or audience and expired tokens', async () => {
    const secret = t.config.jwtSecret;
    expect((await call(forge({ alg: 'HS256' }, { ...claims, iss: 'someone-else' }, secret))).status).toBe(
      401,
    );
    expect((await call(forge({ alg: 'HS256' }, { ...claims, aud: 'other-api' }, secret))).status).toBe(401);
    const past = Math.floor(Date.now() / 1000) - 3600;
    expect(
      (await call(forge({ alg: 'HS256' }, { ...claims, iat: past - 60, exp: past }, secret))).status,
    ).toBe(401);
  });

  it('refuses a token for a session id that does not exist', async () => {
    const res = await call(
      forge({ alg: 'HS256' }, { ...claims, sid: '00000000-0000-4000-8000-000000000000' }, t.config.jwtSecret),
    );
    expect(res.status).toBe(401);
  });

  it('refuses a token whose sid is not a uuid without a server error', async () => {
    const res = await call(forge({ alg: 'HS256' }, { ...claims, sid: "x' OR 1=1 --" }, t.config.jwtSecret));
    expect(res.status).toBe(401);
  });

  it('refuses alg NONE in any spelling and an empty signature', async () => {
    for (const alg of ['NONE', 'None', 'nOnE'])
      expect((await call(forge({ alg, typ: 'JWT' }, claims))).status).toBe(401);
    const [h, p] = forge({ alg: 'HS256', typ: 'JWT' }, claims, t.config.jwtSecret).split('.');
    expect((await call(`${h}.${p}.`)).status).toBe(401);
    expect((await call(`${h}.${p}`)).status).toBe(401);
  });

  it('decides the caller kind from the database, not from the kind claim of the token', async () => {
    const provider = await createUser(t.app, 'provider', { password: null });
    const own = JSON.parse(
      Buffer.from((await tokenFor(t.app, provider)).split('.')[1], 'base64url').toString(),
    );
    const res = await call(
      forge({ alg: 'HS256', typ: 'JWT' }, { ...own, kind: 'staff' }, t.config.jwtSecret),
    );
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });

  it('stops a valid token at once when its session is revoked or its account deactivated', async () => {
    const staff = await createUser(t.app, 'staff', { password: null });
    const token = await tokenFor(t.app, staff);
    expect((await t.http().get('/api/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(200);
    await t.dataSource.query(`UPDATE users SET status = 'deactivated' WHERE id = $1`, [staff.id]);
    const deactivated = await t.http().get('/api/v1/me').set('authorization', `Bearer ${token}`);
    expect(deactivated.status).toBe(403);
    expect(deactivated.body.code).toBe('account_deactivated');
    await t.dataSource.query(`UPDATE users SET status = 'active' WHERE id = $1`, [staff.id]);
    await t.dataSource.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1`, [staff.id]);
    expect((await t.http().get('/api/v1/me').set('authorization', `Bearer ${token}`)).status).toBe(401);
  });
});
