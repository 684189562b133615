import { loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('gives working development defaults for localhost PostgreSQL and Redis', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/mypatients');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.cronEnabled).toBe(true);
    expect(config.oidc).toBeUndefined();
  });

  it('stops a production start naming every missing secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/EHR_API_KEY is required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PORTAL_API_KEY is required in production/);
  });

  it('rejects malformed values with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT must be a non-negative integer/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL must be a URL/);
    expect(() => loadConfig({ CRON_ENABLED: 'maybe' })).toThrow(/CRON_ENABLED/);
    expect(() => loadConfig({ BOOTSTRAP_STAFF_EMAIL: 'a@b.c' })).toThrow(/must be set together/);
  });

  it('turns hospital SSO on only with issuer, client id and secret', () => {
    expect(() => loadConfig({ OIDC_ISSUER: 'https://idp.example' })).toThrow(/OIDC_CLIENT_ID/);
    const config = loadConfig({ OIDC_ISSUER: 'https://idp.example', OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's' });
    expect(config.oidc?.redirectUri).toBe('http://localhost:3000/api/v1/auth/sso/callback');
  });
});
