import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The secrets a development instance generates once per database when the environment does not set them. */
export interface DevSecrets {
  JWT_SECRET: string;
  TOTP_ENCRYPTION_KEY: string;
  NOTIFICATIONS_ENCRYPTION_KEY: string;
  EHR_API_KEY: string;
  PORTAL_API_KEY: string;
}

export const DEV_SECRET_NAMES: ReadonlyArray<keyof DevSecrets> = [
  'JWT_SECRET',
  'TOTP_ENCRYPTION_KEY',
  'NOTIFICATIONS_ENCRYPTION_KEY',
  'EHR_API_KEY',
  'PORTAL_API_KEY',
];

/**
 * Fixed secrets of NODE_ENV=test only: tests must be reproducible (child processes, forged tokens
 * in the JWT tests read them from the config). Production refuses every one of them.
 */
export const TEST_SECRETS: DevSecrets = {
  JWT_SECRET: 'test-only-jwt-secret-never-in-production-0123456789',
  TOTP_ENCRYPTION_KEY: 'test-only-totp-key-never-in-production-0123456789',
  NOTIFICATIONS_ENCRYPTION_KEY: 'test-only-outbox-key-never-in-production-012345',
  EHR_API_KEY: 'test-ehr-key-0123456789',
  PORTAL_API_KEY: 'test-portal-key-0123456789',
};

/**
 * Values that were ever committed to this repository (old development constants, test values,
 * docker-compose's bootstrap password): anyone can read them, so production refuses them.
 */
export const KNOWN_DEVELOPMENT_VALUES: ReadonlySet<string> = new Set([
  'dev-only-secret-change-me-0123456789abcdef',
  'dev-only-secret-change-me-0123456789abcdef:totp',
  'dev-ehr-key',
  'dev-portal-key',
  'change-me-on-first-sign-in-2026',
  ...Object.values(TEST_SECRETS),
]);

/** Where the development secrets of a database live: one git-ignored file per database (`.dev-secrets/`). */
export function devSecretsPath(databaseUrl: string, dir: string): string {
  let key = 'default';
  try {
    const url = new URL(databaseUrl);
    key = `${url.hostname}_${url.port || '5432'}_${url.pathname.replace(/^\//, '') || 'postgres'}`;
  } catch {
    /* an invalid URL is reported by loadConfig; any file name will do meanwhile */
  }
  return join(dir, `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
}

/**
 * The development secrets of `databaseUrl`: read from their file, or generated (random, 48
 * bytes each) and written on the first start — never in the database, so a copy of the database
 * does not carry the keys that sign its sessions and decrypt its secrets. Created with `wx` (0600):
 * several instances starting together end up with the same file.
 */
export function loadOrCreateDevSecrets(databaseUrl: string, dir: string): DevSecrets {
  const path = devSecretsPath(databaseUrl, dir);
  const read = (): Partial<DevSecrets> => JSON.parse(readFileSync(path, 'utf8')) as Partial<DevSecrets>;
  let stored: Partial<DevSecrets> | undefined;
  try {
    stored = read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const missing = DEV_SECRET_NAMES.filter((name) => typeof stored?.[name] !== 'string' || !stored[name]);
  if (stored && missing.length === 0) return stored as DevSecrets;
  const generated = Object.fromEntries(
    DEV_SECRET_NAMES.map((name) => [name, stored?.[name] || randomBytes(48).toString('base64url')]),
  );
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!stored) {
    try {
      writeFileSync(path, `${JSON.stringify(generated, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
      return generated as unknown as DevSecrets;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return loadOrCreateDevSecrets(databaseUrl, dir); // another instance wrote it first
    }
  }
  // An older file without a newer secret: complete it.
  writeFileSync(path, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600 });
  return generated as unknown as DevSecrets;
}
