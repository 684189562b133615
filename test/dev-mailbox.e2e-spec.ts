import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/app-config.js';
import { DEV_MAILBOX_CAPACITY, DevMailboxService } from '../src/modules/notifications/dev-mailbox.service.js';
import { registrationBody } from './factories/identity.js';
import { createTestApp, type TestContext } from './support/test-app.js';

interface Mail {
  id: string;
  at: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  links: string[];
}

async function waitForMail(t: TestContext, to: string, timeoutMs = 15_000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http().get('/api/v1/dev/mailbox');
    const found = (res.body.items as Mail[] | undefined)?.find((m) => m.to.includes(to));
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no mail to ${to} in the development mailbox: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('development mailbox (development without SMTP_URL)', () => {
  let t: TestContext;
  const secretsDir = mkdtempSync(join(tmpdir(), 'mp-dev-secrets-'));
  beforeAll(async () => {
    // A real development configuration: no SMTP_URL and no PORTAL_URL (links default to the service's own URL).
    t = await createTestApp({
      env: {
        NODE_ENV: 'development',
        SMTP_URL: '',
        PORTAL_URL: '',
        PORT: '3999',
        DEV_SECRETS_DIR: secretsDir,
        AUDIT_SEAL_INTERVAL_MS: '0',
        ALLOW_FUTURE_ASOF: 'true',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    rmSync(secretsDir, { recursive: true, force: true });
  });

  it('captures outgoing mail in process and lists it with its links, which work', async () => {
    expect(t.config).toMatchObject({
      nodeEnv: 'development',
      devMailbox: true,
      portalUrl: 'http://localhost:3999',
    });
    const body = registrationBody();
    expect((await t.http().post('/api/v1/auth/register').send(body)).status).toBe(201);

    const mail = await waitForMail(t, body.email);
    expect(mail).toEqual({
      id: expect.any(String),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      from: expect.stringContaining('no-reply@'),
      to: [body.email],
      subject: expect.any(String),
      text: expect.stringContaining('http://localhost:3999/verify-email?token='),
      html: expect.stringContaining('http://localhost:3999/verify-email?token='),
      links: expect.arrayContaining([
        expect.stringMatching(/^http:\/\/localhost:3999\/verify-email\?token=[A-Za-z0-9_-]+$/),
      ]),
    });
    // Nothing reached an SMTP server.
    expect(t.smtp.messages).toHaveLength(0);

    const link = new URL(mail.links.find((l) => l.includes('/verify-email?'))!);
    const verified = await t
      .http()
      .post('/api/v1/auth/verify-email')
      .send({ token: link.searchParams.get('token') });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ status: 'pending_approval' });

    // The outbox row is marked sent like any email, its token dropped (sealed until render, kept nowhere after).
    const [row] = await t.dataSource.query(
      `SELECT status, data FROM notifications WHERE recipient = $1 AND template = 'verify-email'`,
      [body.email],
    );
    expect(row.status).toBe('sent');
    expect(JSON.stringify(row.data)).not.toContain(link.searchParams.get('token'));
  });

  it('needs no sign-in and keeps only the last messages, oldest first', async () => {
    const mailbox = t.app.get(DevMailboxService);
    for (let i = 0; i < DEV_MAILBOX_CAPACITY + 5; i++) {
      await mailbox.sendMail({
        from: 'a@example.test',
        to: [{ name: 'B', address: 'b@example.test' }],
        subject: `n${i}`,
        text: `see https://x.test/${i}.`,
      });
    }
    const res = await t.http().get('/api/v1/dev/mailbox');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.body.items).toHaveLength(DEV_MAILBOX_CAPACITY);
    expect(res.body.items[0].subject).toBe('n5');
    expect(res.body.items.at(-1)).toMatchObject({
      subject: `n${DEV_MAILBOX_CAPACITY + 4}`,
      to: ['b@example.test'],
      links: [`https://x.test/${DEV_MAILBOX_CAPACITY + 4}`],
    });
  });
});

describe('development mailbox is off elsewhere', () => {
  it('is on only in development without SMTP_URL', () => {
    const base = {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
      DEV_SECRETS_DIR: mkdtempSync(join(tmpdir(), 'mp-dev-secrets-')),
    };
    try {
      expect(loadConfig({ ...base, NODE_ENV: 'development' }).devMailbox).toBe(true);
      expect(
        loadConfig({ ...base, NODE_ENV: 'development', SMTP_URL: 'smtp://127.0.0.1:2525' }).devMailbox,
      ).toBe(false);
      expect(loadConfig({ ...base, NODE_ENV: 'test' }).devMailbox).toBe(false);
      // PORTAL_URL defaults to the service's own base URL.
      expect(loadConfig({ ...base, NODE_ENV: 'development', PORT: '4100' }).portalUrl).toBe(
        'http://localhost:4100',
      );
      expect(
        loadConfig({ ...base, NODE_ENV: 'development', PUBLIC_URL: 'http://mp.local:8000/' }).portalUrl,
      ).toBe('http://mp.local:8000');
      expect(
        loadConfig({ ...base, NODE_ENV: 'development', PORTAL_URL: 'http://localhost:5173' }).portalUrl,
      ).toBe('http://localhost:5173');
    } finally {
      rmSync(base.DEV_SECRETS_DIR, { recursive: true, force: true });
    }
  });

  describe('in a test configuration (SMTP_URL set)', () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('answers 404 problem+json and mail goes to SMTP', async () => {
      expect(t.config.devMailbox).toBe(false);
      const res = await t.http().get('/api/v1/dev/mailbox');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('not_found');
      const body = registrationBody();
      expect((await t.http().post('/api/v1/auth/register').send(body)).status).toBe(201);
      expect((await t.smtp.waitForTo(body.email)).text).toContain('https://portal.test/verify-email?token=');
      expect((await t.http().get('/api/v1/dev/mailbox')).status).toBe(404);
    });
  });
});
