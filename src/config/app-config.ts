/**
 * Configuration read once from the environment and validated at start.
 * Development defaults exist for everything but secrets; in production a missing secret
 * stops the start with a message naming it.
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
  mailFrom: string;
  teamEmail: string;
  portalUrl: string;
  jwtSecret: string;
  jwtIssuer: string;
  jwtAudience: string;
  accessTokenTtlSeconds: number;
  ehrApiKey: string;
  portalApiKey: string;
  bootstrapStaffEmail?: string;
  bootstrapStaffPassword?: string;
  oidc?: { issuer: string; clientId: string; clientSecret: string; redirectUri: string; hospitalIdClaim?: string };
  cronEnabled: boolean;
  /** How long a personal grant (approved request, token) lasts, in calendar months (ACCESS_GRANT_MONTHS, default 12). */
  accessGrantMonths: number;
  corsOrigins: string[];
  /** Folder of the built web portal (`npm run web:build`), served at `/` (WEB_DIST_DIR). */
  webDistDir: string;
  /** Hospital closure dates (YYYY-MM-DD) that are not business days, on top of US federal holidays. */
  hospitalClosures: string[];
  logLevel: string;
  /** Key that encrypts TOTP secrets at rest (derived from JWT_SECRET when unset outside production). */
  totpEncryptionKey: string;
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
  };
}

export class ConfigError extends Error {}

const DEV_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnvRaw = env.NODE_ENV ?? 'development';
  if (!['development', 'test', 'production'].includes(nodeEnvRaw)) {
    problems.push(`NODE_ENV must be development, test or production (got "${nodeEnvRaw}")`);
  }
  const nodeEnv = nodeEnvRaw as AppConfig['nodeEnv'];
  const production = nodeEnv === 'production';

  const secret = (name: string, devDefault: string, minLength = 1): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      if (production) problems.push(`${name} is required in production`);
      return devDefault;
    }
    if (value.length < minLength) problems.push(`${name} must be at least ${minLength} characters`);
    return value;
  };

  const jwtSecret = secret('JWT_SECRET', DEV_SECRET, 32);
  const oidcIssuer = env.OIDC_ISSUER;
  let oidc: AppConfig['oidc'];
  if (oidcIssuer) {
    if (!env.OIDC_CLIENT_ID) problems.push('OIDC_CLIENT_ID is required when OIDC_ISSUER is set');
    if (!env.OIDC_CLIENT_SECRET) problems.push('OIDC_CLIENT_SECRET is required when OIDC_ISSUER is set');
    oidc = {
      issuer: urlFrom(env, 'OIDC_ISSUER', oidcIssuer, problems),
      clientId: env.OIDC_CLIENT_ID ?? '',
      clientSecret: env.OIDC_CLIENT_SECRET ?? '',
      redirectUri: env.OIDC_REDIRECT_URI || `${env.PUBLIC_URL || `http://localhost:${env.PORT || 3000}`}/api/v1/auth/sso/callback`,
      /** ID-token claim that carries the CH ID (hospital_id); `sub` by default. */
      hospitalIdClaim: env.OIDC_HOSPITAL_ID_CLAIM || 'sub',
    };
  }

  const bootstrapStaffEmail = env.BOOTSTRAP_STAFF_EMAIL || undefined;
  const bootstrapStaffPassword = env.BOOTSTRAP_STAFF_PASSWORD || undefined;
  if (Boolean(bootstrapStaffEmail) !== Boolean(bootstrapStaffPassword)) {
    problems.push('BOOTSTRAP_STAFF_EMAIL and BOOTSTRAP_STAFF_PASSWORD must be set together');
  }

  const hospitalClosures = listFrom(env, 'HOSPITAL_CLOSURES');
  for (const d of hospitalClosures) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) problems.push(`HOSPITAL_CLOSURES entries must be YYYY-MM-DD (got "${d}")`);
  }

  const cronRaw = (env.CRON_ENABLED ?? 'true').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(cronRaw)) problems.push('CRON_ENABLED must be true or false');

  const config: AppConfig = {
    nodeEnv,
    port: intFrom(env, 'PORT', 3000, problems),
    databaseUrl: urlFrom(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/mypatients', problems),
    redisUrl: urlFrom(env, 'REDIS_URL', 'redis://127.0.0.1:6379', problems),
    redisPrefix: env.REDIS_PREFIX || 'mypatients',
    smtpUrl: urlFrom(env, 'SMTP_URL', 'smtp://127.0.0.1:1025', problems),
    mailFrom: env.MAIL_FROM || 'MyPatients <no-reply@mypatients.localhost>',
    teamEmail: env.TEAM_EMAIL || 'mypatients-team@mypatients.localhost',
    portalUrl: urlFrom(env, 'PORTAL_URL', 'http://localhost:8080', problems).replace(/\/+$/, ''),
    jwtSecret,
    jwtIssuer: env.JWT_ISSUER || 'mypatients',
    jwtAudience: env.JWT_AUDIENCE || 'mypatients-api',
    accessTokenTtlSeconds: intFrom(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, problems),
    ehrApiKey: secret('EHR_API_KEY', 'dev-ehr-key', 16),
    portalApiKey: secret('PORTAL_API_KEY', 'dev-portal-key', 16),
    bootstrapStaffEmail,
    bootstrapStaffPassword,
    oidc,
    cronEnabled: cronRaw === 'true' || cronRaw === '1',
    accessGrantMonths: Math.max(1, intFrom(env, 'ACCESS_GRANT_MONTHS', 12, problems)),
    corsOrigins: listFrom(env, 'CORS_ORIGINS'),
    webDistDir: env.WEB_DIST_DIR || `${process.cwd()}/dist/web`,
    hospitalClosures,
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    totpEncryptionKey: secret('TOTP_ENCRYPTION_KEY', `${jwtSecret}:totp`, 32),
    notifications: {
      templatesDir: env.TEMPLATES_DIR || `${process.cwd()}/templates`,
      teamPhone: env.TEAM_PHONE || '617 919 2284',
      attempts: Math.max(1, intFrom(env, 'NOTIFICATION_ATTEMPTS', 10, problems)),
      backoffMs: intFrom(env, 'NOTIFICATION_BACKOFF_MS', 60_000, problems),
      sweepMs: Math.max(100, intFrom(env, 'NOTIFICATION_SWEEP_MS', 5_000, problems)),
      lockMs: Math.max(1_000, intFrom(env, 'NOTIFICATION_LOCK_MS', 30_000, problems)),
    },
  };
  if (production && config.ehrApiKey === config.portalApiKey) {
    problems.push('EHR_API_KEY and PORTAL_API_KEY must differ');
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

/** Injection token for the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
