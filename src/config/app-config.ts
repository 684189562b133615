import { createHash } from 'node:crypto';

import {
  KNOWN_DEVELOPMENT_VALUES,
  loadOrCreateDevSecrets,
  TEST_SECRETS,
  type DevSecrets,
} from './dev-secrets.js';
import { productionProblems } from './production-checks.js';

/**
 * Configuration read once from the environment and validated at start. It fails closed: anything
 * but an explicit NODE_ENV=development or test is production, where every secret must be set,
 * none may be a value ever committed here, and transport must be encrypted. Development generates
 * its secrets once per database into a git-ignored file (dev-secrets.ts); tests use fixed ones.
 */
export interface AppConfig {
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  databaseUrl: string;
  /** Database the migration lock and CREATE DATABASE run from (the server's maintenance db). */
  redisUrl: string;
  /** Prefix of every Redis key this instance writes (Bull queues, throttling); tests isolate with it. */
  redisPrefix: string;
  smtpUrl: string;
  /** Development without SMTP_URL: mail is kept in process and listed at GET /api/v1/dev/mailbox (never in test or production). */
  devMailbox: boolean;
  mailFrom: string;
  teamEmail: string;
  portalUrl: string;
  jwtSecret: string;
  jwtIssuer: string;
  jwtAudience: string;
  accessTokenTtlSeconds: number;
  /** Environment integration keys (a development convenience; '' when unset). Integration clients are the real keys. */
  ehrApiKey: string;
  portalApiKey: string;
  bootstrapStaffEmail?: string;
  bootstrapStaffPassword?: string;
  oidc?: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    hospitalIdClaim?: string;
    /** `OIDC_REQUIRED_ACR`: the ID token's `acr` must be one of these (none: not checked). */
    requiredAcr: string[];
    /** `OIDC_REQUIRED_AMR`: the ID token's `amr` must hold every one of these (e.g. `mfa`). */
    requiredAmr: string[];
  };
  cronEnabled: boolean;
  /** Rows per committed batch of the set-based scheduled jobs (JOB_BATCH_SIZE, default 5000): a killed run keeps its committed batches. */
  jobBatchSize: number;
  /**
   * Batches of the enforce job committed at once, each in its own transaction and connection
   * (JOB_CONCURRENCY, default 2): its writes are per row, so a second batch uses the database's second core.
   */
  jobConcurrency: number;
  /** How long a personal grant (approved request, token) lasts, in calendar months (ACCESS_GRANT_MONTHS, default 12). */
  accessGrantMonths: number;
  /** Patient searches one account may make a minute (API.md: at least 60). */
  searchesPerAccountPerMinute: number;
  /** Migrations run with this URL when set (MIGRATION_DATABASE_URL: the schema owner); the service with databaseUrl. */
  migrationDatabaseUrl?: string;
  /** Audit trail integrity (docs/audit.md). */
  audit: {
    /** AUDIT_HMAC_KEY: keys the links and checkpoints; never stored in the database. Required in production. */
    hmacKey: string;
    /** AUDIT_HMAC_PREVIOUS_KEYS (comma-separated): keys of entries sealed before a rotation, for verification. */
    previousHmacKeys: string[];
    /** AUDIT_CHECKPOINT_DIR: where signed checkpoints are appended. Required in production. */
    checkpointDir: string;
    /** AUDIT_SEAL_INTERVAL_MS: period of the in-process sealer (default 2000; 0 = off, the default in tests). */
    sealIntervalMs: number;
  };
  corsOrigins: string[];
  /** Folder of the built web portal (`npm run web:build`), served at `/` (WEB_DIST_DIR). */
  webDistDir: string;
  /** Hospital closure dates (YYYY-MM-DD) that are not business days, on top of US federal holidays. */
  hospitalClosures: string[];
  logLevel: string;
  /** Key that encrypts TOTP secrets at rest (derived from JWT_SECRET when unset outside production). */
  totpEncryptionKey: string;
  /** Key that encrypts the one-time tokens of queued emails (`notifications.data`) at rest. */
  notificationsEncryptionKey: string;
  /** Staff and queued job runs may take an `asOf` after today (ALLOW_FUTURE_ASOF; never in production). */
  allowFutureAsOf: boolean;
  /** Email delivery (src/modules/notifications; docs/notifications.md). */
  notifications: {
    /** Folder of the email templates (`<name>.subject.hbs|.text.hbs|.html.hbs`, layouts/, partials/). */
    templatesDir: string;
    /** Team phone shown in every email's footer. */
    teamPhone: string;
    /** Send attempts per email before it is `failed` (NOTIFICATION_ATTEMPTS, default 10). */
    attempts: number;
    /** First retry delay in ms, doubling each attempt (NOTIFICATION_BACKOFF_MS, default 60000). */
    backoffMs: number;
    /** Period of the outbox sweep in ms (NOTIFICATION_SWEEP_MS, default 5000). */
    sweepMs: number;
    /** Bull job lock in ms: a crashed worker's job is taken over after this (NOTIFICATION_LOCK_MS, default 30000). */
    lockMs: number;
    /**
     * Whether this process runs the outbox relay and the sender (NOTIFICATIONS_SENDER, default true). False on API
     * instances when the sender runs in its own process (`node dist/src/worker.js`, which always runs it).
     */
    sender: boolean;
    /** Notifications per Bull job (NOTIFICATION_BATCH_SIZE, 1–100, default 20). */
    batchSize: number;
    /** Emails one sender process keeps in flight (NOTIFICATION_SEND_CONCURRENCY, default 32): it runs ⌈this / batchSize⌉ + 1 jobs at once. */
    sendConcurrency: number;
    /** SMTP connections of the sender's pool (SMTP_POOL_SIZE, default 10). */
    smtpPoolSize: number;
  };
}

export class ConfigError extends Error {}

/** Access tokens live at most an hour (ASVS 3.3): a stolen one is useless soon, and sessions refresh. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 3600;

function flagFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = (env[name] ?? '').toLowerCase();
  if (raw === '') return fallback;
  if (!['true', 'false', '1', '0'].includes(raw))
    problems.push(`${name} must be true or false (got "${env[name]}")`);
  return raw === 'true' || raw === '1';
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    problems.push(`${name} must be a non-negative integer (got "${raw}")`);
    return fallback;
  }
  return value;
}

function urlFrom(env: NodeJS.ProcessEnv, name: string, fallback: string, problems: string[]): string {
  const value = env[name] || fallback;
  try {
    new URL(value);
  } catch {
    problems.push(`${name} must be a URL (got "${value}")`);
  }
  return value;
}

function listFrom(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Outside production the audit key, when unset, is derived from the database name (nothing is
 * generated or committed; such a key protects nothing and says so in docs/audit.md), and
 * checkpoints go to ./var/audit-checkpoints/<database> (git-ignored).
 */
function auditConfig(env: NodeJS.ProcessEnv, production: boolean, problems: string[]): AppConfig['audit'] {
  let database = 'mypatients';
  try {
    database =
      decodeURIComponent(
        new URL(env.DATABASE_URL || 'postgres://x/mypatients').pathname.replace(/^\//, ''),
      ) || database;
  } catch {
    // DATABASE_URL is reported by its own check
  }
  let hmacKey = env.AUDIT_HMAC_KEY ?? '';
  if (!hmacKey) {
    if (production) problems.push('AUDIT_HMAC_KEY is required in production');
    hmacKey = createHash('sha256').update(`mypatients-dev-audit-key:${database}`).digest('hex');
  } else if (hmacKey.length < 32) problems.push('AUDIT_HMAC_KEY must be at least 32 characters');
  const checkpointDir = env.AUDIT_CHECKPOINT_DIR || '';
  if (!checkpointDir && production) problems.push('AUDIT_CHECKPOINT_DIR is required in production');
  return {
    hmacKey,
    previousHmacKeys: listFrom(env, 'AUDIT_HMAC_PREVIOUS_KEYS'),
    checkpointDir:
      checkpointDir || `${process.cwd()}/var/audit-checkpoints/${database.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
    sealIntervalMs: intFrom(env, 'AUDIT_SEAL_INTERVAL_MS', env.NODE_ENV === 'test' ? 0 : 2000, problems),
  };
}

/**
 * Only what `npm run audit:verify` needs (DATABASE_URL and the AUDIT_* variables), so the host that
 * verifies the trail needs no other secret of the service.
 */
export function loadAuditConfig(
  env: NodeJS.ProcessEnv = process.env,
): Pick<AppConfig, 'databaseUrl' | 'audit'> {
  const problems: string[] = [];
  const production = env.NODE_ENV !== 'development' && env.NODE_ENV !== 'test';
  const databaseUrl = urlFrom(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/mypatients', problems);
  const audit = auditConfig(env, production, problems);
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return { databaseUrl, audit };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  // Fail closed: a missing or misspelt NODE_ENV ("prod", "staging", unset) is production.
  const nodeEnv: AppConfig['nodeEnv'] =
    env.NODE_ENV === 'development' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'production';
  const production = nodeEnv === 'production';
  const databaseUrl = urlFrom(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/mypatients', problems);

  let generated: DevSecrets | undefined;
  const fallbackSecret = (name: keyof DevSecrets): string => {
    if (nodeEnv === 'test') return TEST_SECRETS[name];
    generated ??= loadOrCreateDevSecrets(databaseUrl, env.DEV_SECRETS_DIR || `${process.cwd()}/.dev-secrets`);
    return generated[name];
  };
  const secret = (
    name: keyof DevSecrets,
    minLength: number,
    options: { optionalInProduction?: boolean } = {},
  ): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      if (!production) return fallbackSecret(name);
      if (!options.optionalInProduction) problems.push(`${name} is required in production`);
      return '';
    }
    if (value.length < minLength) problems.push(`${name} must be at least ${minLength} characters`);
    if (production && KNOWN_DEVELOPMENT_VALUES.has(value))
      problems.push(`${name} is a development or test value: set a secret of your own`);
    return value;
  };

  const jwtSecret = secret('JWT_SECRET', 32);
  const oidcIssuer = env.OIDC_ISSUER;
  let oidc: AppConfig['oidc'];
  if (oidcIssuer) {
    if (!env.OIDC_CLIENT_ID) problems.push('OIDC_CLIENT_ID is required when OIDC_ISSUER is set');
    if (!env.OIDC_CLIENT_SECRET) problems.push('OIDC_CLIENT_SECRET is required when OIDC_ISSUER is set');
    oidc = {
      issuer: urlFrom(env, 'OIDC_ISSUER', oidcIssuer, problems),
      clientId: env.OIDC_CLIENT_ID ?? '',
      clientSecret: env.OIDC_CLIENT_SECRET ?? '',
      redirectUri:
        env.OIDC_REDIRECT_URI ||
        `${env.PUBLIC_URL || `http://localhost:${env.PORT || 3000}`}/api/v1/auth/sso/callback`,
      /** ID-token claim that carries the CH ID (hospital_id); `sub` by default. */
      hospitalIdClaim: env.OIDC_HOSPITAL_ID_CLAIM || 'sub',
      requiredAcr: (env.OIDC_REQUIRED_ACR ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
      requiredAmr: (env.OIDC_REQUIRED_AMR ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    };
  }

  const bootstrapStaffEmail = env.BOOTSTRAP_STAFF_EMAIL || undefined;
  const bootstrapStaffPassword = env.BOOTSTRAP_STAFF_PASSWORD || undefined;
  if (Boolean(bootstrapStaffEmail) !== Boolean(bootstrapStaffPassword)) {
    problems.push('BOOTSTRAP_STAFF_EMAIL and BOOTSTRAP_STAFF_PASSWORD must be set together');
  }

  const hospitalClosures = listFrom(env, 'HOSPITAL_CLOSURES');
  for (const d of hospitalClosures) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d))
      problems.push(`HOSPITAL_CLOSURES entries must be YYYY-MM-DD (got "${d}")`);
  }

  const cronRaw = (env.CRON_ENABLED ?? 'true').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(cronRaw)) problems.push('CRON_ENABLED must be true or false');

  const config: AppConfig = {
    nodeEnv,
    port: intFrom(env, 'PORT', 3000, problems),
    databaseUrl,
    redisUrl: urlFrom(env, 'REDIS_URL', 'redis://127.0.0.1:6379', problems),
    redisPrefix: env.REDIS_PREFIX || 'mypatients',
    smtpUrl: urlFrom(env, 'SMTP_URL', 'smtp://127.0.0.1:1025', problems),
    devMailbox: nodeEnv === 'development' && !env.SMTP_URL,
    mailFrom: env.MAIL_FROM || 'MyPatients <no-reply@mypatients.localhost>',
    teamEmail: env.TEAM_EMAIL || 'mypatients-team@mypatients.localhost',
    // The service serves the web portal itself, so emailed links default to its own base URL.
    portalUrl: urlFrom(
      env,
      'PORTAL_URL',
      env.PUBLIC_URL || `http://localhost:${env.PORT || 3000}`,
      problems,
    ).replace(/\/+$/, ''),
    jwtSecret,
    jwtIssuer: env.JWT_ISSUER || 'mypatients',
    jwtAudience: env.JWT_AUDIENCE || 'mypatients-api',
    accessTokenTtlSeconds: intFrom(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, problems),
    // Production authenticates integrations with integration clients (hashed, revocable keys).
    ehrApiKey: secret('EHR_API_KEY', 16, { optionalInProduction: true }),
    portalApiKey: secret('PORTAL_API_KEY', 16, { optionalInProduction: true }),
    bootstrapStaffEmail,
    bootstrapStaffPassword,
    oidc,
    cronEnabled: cronRaw === 'true' || cronRaw === '1',
    jobBatchSize: Math.max(1, intFrom(env, 'JOB_BATCH_SIZE', 5000, problems)),
    jobConcurrency: Math.min(8, Math.max(1, intFrom(env, 'JOB_CONCURRENCY', 2, problems))),
    accessGrantMonths: Math.max(1, intFrom(env, 'ACCESS_GRANT_MONTHS', 12, problems)),
    searchesPerAccountPerMinute: Math.max(60, intFrom(env, 'SEARCH_RATE_PER_MINUTE', 60, problems)),
    migrationDatabaseUrl: env.MIGRATION_DATABASE_URL
      ? urlFrom(env, 'MIGRATION_DATABASE_URL', '', problems)
      : undefined,
    audit: auditConfig(env, production, problems),
    corsOrigins: listFrom(env, 'CORS_ORIGINS'),
    webDistDir: env.WEB_DIST_DIR || `${process.cwd()}/dist/web`,
    hospitalClosures,
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    totpEncryptionKey: secret('TOTP_ENCRYPTION_KEY', 32),
    notificationsEncryptionKey: secret('NOTIFICATIONS_ENCRYPTION_KEY', 32),
    // Tests move their clock and run jobs for later dates; elsewhere a future date is refused unless allowed.
    allowFutureAsOf: flagFrom(env, 'ALLOW_FUTURE_ASOF', nodeEnv === 'test', problems),
    notifications: {
      templatesDir: env.TEMPLATES_DIR || `${process.cwd()}/templates`,
      teamPhone: env.TEAM_PHONE || '617 919 2284',
      attempts: Math.max(1, intFrom(env, 'NOTIFICATION_ATTEMPTS', 10, problems)),
      backoffMs: intFrom(env, 'NOTIFICATION_BACKOFF_MS', 60_000, problems),
      sweepMs: Math.max(100, intFrom(env, 'NOTIFICATION_SWEEP_MS', 5_000, problems)),
      lockMs: Math.max(1_000, intFrom(env, 'NOTIFICATION_LOCK_MS', 30_000, problems)),
      sender: flagFrom(env, 'NOTIFICATIONS_SENDER', true, problems),
      batchSize: Math.min(100, Math.max(1, intFrom(env, 'NOTIFICATION_BATCH_SIZE', 20, problems))),
      sendConcurrency: Math.max(1, intFrom(env, 'NOTIFICATION_SEND_CONCURRENCY', 32, problems)),
      smtpPoolSize: Math.max(1, intFrom(env, 'SMTP_POOL_SIZE', 10, problems)),
    },
  };
  const ttl = config.accessTokenTtlSeconds;
  if (ttl < 60 || ttl > MAX_ACCESS_TOKEN_TTL_SECONDS) {
    problems.push(
      `ACCESS_TOKEN_TTL_SECONDS must be between 60 and ${MAX_ACCESS_TOKEN_TTL_SECONDS} (got ${ttl})`,
    );
  }
  if (config.ehrApiKey && config.ehrApiKey === config.portalApiKey)
    problems.push('EHR_API_KEY and PORTAL_API_KEY must differ');
  if (production)
    problems.push(...productionProblems(env, config, (name) => flagFrom(env, name, false, problems)));
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

/** Injection token for the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
