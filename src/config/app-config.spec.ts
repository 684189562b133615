import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config.js';
import { TEST_SECRETS } from './dev-secrets.js';

/** A complete, valid production environment; each test spoils one thing. */
const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db.internal:5432/mypatients',
  JWT_SECRET: 'prod-jwt-7f0c1e9a4b2d8c6e5f3a1b0c9d8e7f6a',
  TOTP_ENCRYPTION_KEY: 'prod-totp-0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  NOTIFICATIONS_ENCRYPTION_KEY: 'prod-outbox-9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  PORTAL_URL: 'https://mypatients.childrens.example.org',
  SMTP_URL: 'smtps://relay.childrens.example.org:465',
  AUDIT_HMAC_KEY: 'prod-audit-5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d',
  AUDIT_CHECKPOINT_DIR: '/var/lib/mypatients/audit',
};

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mp-dev-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const dev = (env: Record<string, string> = {}) =>
    loadConfig({ NODE_ENV: 'development', DEV_SECRETS_DIR: dir, ...env });

  it('gives working development defaults for localhost PostgreSQL and Redis', () => {
    const config = dev();
    expect(config.nodeEnv).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/mypatients');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.cronEnabled).toBe(true);
    expect(config.oidc).toBeUndefined();
  });

  it('runs the email sender in process by default, and takes the sender settings from the environment', () => {
    expect(dev().notifications).toMatchObject({
      sender: true,
      batchSize: 20,
      sendConcurrency: 32,
      smtpPoolSize: 10,
    });
    const split = dev({
      NOTIFICATIONS_SENDER: 'false',
      NOTIFICATION_BATCH_SIZE: '500',
      NOTIFICATION_SEND_CONCURRENCY: '64',
      SMTP_POOL_SIZE: '4',
    });
    expect(split.notifications).toMatchObject({
      sender: false,
      batchSize: 100,
      sendConcurrency: 64,
      smtpPoolSize: 4,
    });
    expect(() => dev({ NOTIFICATIONS_SENDER: 'off' })).toThrow(/NOTIFICATIONS_SENDER must be true or false/);
  });

  it.each([undefined, '', 'prod', 'staging', 'Production', 'dev'])(
    'treats NODE_ENV=%s as production (fails closed)',
    (nodeEnv) => {
      const env: Record<string, string> = { ...PRODUCTION };
      if (nodeEnv === undefined) delete env.NODE_ENV;
      else env.NODE_ENV = nodeEnv;
      expect(loadConfig(env).nodeEnv).toBe('production');
      delete env.JWT_SECRET;
      expect(() => loadConfig(env)).toThrow(/JWT_SECRET is required in production/);
    },
  );

  it('stops a production start naming every missing secret', () => {
    const run = () => loadConfig({ NODE_ENV: 'production' });
    expect(run).toThrow(/JWT_SECRET is required in production/);
    expect(run).toThrow(/TOTP_ENCRYPTION_KEY is required in production/);
    expect(run).toThrow(/NOTIFICATIONS_ENCRYPTION_KEY is required in production/);
    expect(loadConfig(PRODUCTION).ehrApiKey).toBe('');
  });

  it.each([
    ['JWT_SECRET', 'dev-only-secret-change-me-0123456789abcdef'],
    ['JWT_SECRET', TEST_SECRETS.JWT_SECRET],
    ['TOTP_ENCRYPTION_KEY', 'dev-only-secret-change-me-0123456789abcdef:totp'],
    ['NOTIFICATIONS_ENCRYPTION_KEY', TEST_SECRETS.NOTIFICATIONS_ENCRYPTION_KEY],
    ['BOOTSTRAP_STAFF_PASSWORD', 'change-me-on-first-sign-in-2026'],
  ])('refuses to start in production with the committed value of %s', (name, value) => {
    const env: Record<string, string> = { ...PRODUCTION, [name]: value };
    if (name === 'BOOTSTRAP_STAFF_PASSWORD') env.BOOTSTRAP_STAFF_EMAIL = 'team@childrens.example.org';
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name} is a development or test value`));
  });

  it('refuses the committed integration keys and, unless allowed, any integration key from the environment in production', () => {
    expect(() => loadConfig({ ...PRODUCTION, EHR_API_KEY: 'a-real-looking-ehr-key-0123' })).toThrow(
      /EHR_API_KEY must not be set in production/,
    );
    const allowed = {
      ...PRODUCTION,
      ALLOW_ENV_API_KEYS: 'true',
      EHR_API_KEY: 'a-real-looking-ehr-key-0123',
      PORTAL_API_KEY: 'a-real-portal-key-4567',
    };
    expect(loadConfig(allowed).ehrApiKey).toBe('a-real-looking-ehr-key-0123');
    expect(() => loadConfig({ ...allowed, PORTAL_API_KEY: TEST_SECRETS.PORTAL_API_KEY })).toThrow(
      /PORTAL_API_KEY is a development or test value/,
    );
  });

  it('refuses an http:// PORTAL_URL in production unless ALLOW_HTTP_PORTAL_URL=true', () => {
    expect(() => loadConfig({ ...PRODUCTION, PORTAL_URL: 'http://mypatients.example.org' })).toThrow(
      /PORTAL_URL must be https/,
    );
    expect(
      loadConfig({
        ...PRODUCTION,
        PORTAL_URL: 'http://mypatients.example.org',
        ALLOW_HTTP_PORTAL_URL: 'true',
      }).portalUrl,
    ).toBe('http://mypatients.example.org');
    expect(dev({ PORTAL_URL: 'http://localhost:8080' }).portalUrl).toBe('http://localhost:8080');
  });

  it('refuses SMTP without TLS in production unless ALLOW_INSECURE_SMTP=true', () => {
    expect(() => loadConfig({ ...PRODUCTION, SMTP_URL: 'smtp://relay.example.org:25' })).toThrow(
      /SMTP_URL must use TLS/,
    );
    expect(() =>
      loadConfig({ ...PRODUCTION, SMTP_URL: 'smtp://relay.example.org:587?requireTLS=true&ignoreTLS=true' }),
    ).toThrow(/SMTP_URL must use TLS/);
    expect(() =>
      loadConfig({ ...PRODUCTION, SMTP_URL: 'smtps://relay.example.org?tls.rejectUnauthorized=false' }),
    ).toThrow(/certificate checks/);
    expect(
      loadConfig({ ...PRODUCTION, SMTP_URL: 'smtp://relay.example.org:587?requireTLS=true' }).smtpUrl,
    ).toContain('requireTLS');
    expect(
      loadConfig({ ...PRODUCTION, SMTP_URL: 'smtp://relay.example.org:25', ALLOW_INSECURE_SMTP: 'true' })
        .smtpUrl,
    ).toBe('smtp://relay.example.org:25');
  });

  it('bounds ACCESS_TOKEN_TTL_SECONDS to at most an hour', () => {
    expect(() => dev({ ACCESS_TOKEN_TTL_SECONDS: '3601' })).toThrow(
      /ACCESS_TOKEN_TTL_SECONDS must be between 60 and 3600/,
    );
    expect(() => dev({ ACCESS_TOKEN_TTL_SECONDS: '0' })).toThrow(/ACCESS_TOKEN_TTL_SECONDS/);
    expect(dev({ ACCESS_TOKEN_TTL_SECONDS: '3600' }).accessTokenTtlSeconds).toBe(3600);
  });

  it('never allows future asOf dates in production', () => {
    expect(() => loadConfig({ ...PRODUCTION, ALLOW_FUTURE_ASOF: 'true' })).toThrow(
      /ALLOW_FUTURE_ASOF is for development and tests only/,
    );
    expect(loadConfig(PRODUCTION).allowFutureAsOf).toBe(false);
    expect(dev().allowFutureAsOf).toBe(false);
    expect(dev({ ALLOW_FUTURE_ASOF: 'true' }).allowFutureAsOf).toBe(true);
  });

  it('generates random development secrets once per database, in a file outside the database, instead of constants', () => {
    const first = dev();
    const again = dev();
    const other = dev({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/other' });
    expect(again.jwtSecret).toBe(first.jwtSecret);
    expect(again.ehrApiKey).toBe(first.ehrApiKey);
    expect(other.jwtSecret).not.toBe(first.jwtSecret);
    const secrets = [
      first.jwtSecret,
      first.totpEncryptionKey,
      first.notificationsEncryptionKey,
      first.ehrApiKey,
      first.portalApiKey,
    ];
    expect(new Set(secrets).size).toBe(5);
    for (const s of secrets) {
      expect(s.length).toBeGreaterThanOrEqual(32);
      expect(s).not.toMatch(/dev|test/);
    }
    const file = join(dir, '127.0.0.1_5432_mypatients.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).JWT_SECRET).toBe(first.jwtSecret);
    expect(statSync(file).mode & 0o077).toBe(0); // readable by its owner only
    // A value from the environment wins over the generated one.
    expect(dev({ JWT_SECRET: 'x'.repeat(40) }).jwtSecret).toBe('x'.repeat(40));
  });

  it('uses fixed, production-refused secrets under NODE_ENV=test (reproducible tests)', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).jwtSecret).toBe(TEST_SECRETS.JWT_SECRET);
  });

  it('rejects malformed values with a message naming the variable', () => {
    expect(() => dev({ PORT: 'abc' })).toThrow(/PORT must be a non-negative integer/);
    expect(() => dev({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL must be a URL/);
    expect(() => dev({ CRON_ENABLED: 'maybe' })).toThrow(/CRON_ENABLED/);
    expect(() => dev({ BOOTSTRAP_STAFF_EMAIL: 'a@b.c' })).toThrow(/must be set together/);
  });

  it('turns hospital SSO on only with issuer, client id and secret', () => {
    expect(() => dev({ OIDC_ISSUER: 'https://idp.example' })).toThrow(/OIDC_CLIENT_ID/);
    const config = dev({ OIDC_ISSUER: 'https://idp.example', OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's' });
    expect(config.oidc?.redirectUri).toBe('http://localhost:3000/api/v1/auth/sso/callback');
  });
});
