import { KNOWN_DEVELOPMENT_VALUES } from './dev-secrets.js';

/** What the checks read of the loaded configuration (not AppConfig itself: no import cycle). */
export interface CheckedConfig {
  portalUrl: string;
  smtpUrl: string;
  jwtSecret: string;
  totpEncryptionKey: string;
  notificationsEncryptionKey: string;
}

/**
 * What production refuses beyond missing secrets: committed values, plain-text transport of
 * emailed links and mail, and development conveniences — each unless explicitly allowed by a
 * documented ALLOW_* variable (README, configuration).
 */
export function productionProblems(
  env: NodeJS.ProcessEnv,
  config: CheckedConfig,
  allowed: (name: string) => boolean,
): string[] {
  const problems: string[] = [];

  // Emailed links carry one-time tokens: over http:// anyone on the path can take them.
  if (safeUrl(config.portalUrl)?.protocol !== 'https:' && !allowed('ALLOW_HTTP_PORTAL_URL')) {
    problems.push('PORTAL_URL must be https:// in production (ALLOW_HTTP_PORTAL_URL=true to allow http://)');
  }

  // Mail must be encrypted in transit: implicit TLS (smtps://) or STARTTLS required (?requireTLS=true).
  const smtp = safeUrl(config.smtpUrl);
  if (smtp && !allowed('ALLOW_INSECURE_SMTP')) {
    const query = smtp.searchParams;
    const tls =
      smtp.protocol === 'smtps:' || (smtp.protocol === 'smtp:' && query.get('requireTLS') === 'true');
    if (!tls || query.get('ignoreTLS') === 'true') {
      problems.push(
        'SMTP_URL must use TLS in production: smtps://… or smtp://…?requireTLS=true (ALLOW_INSECURE_SMTP=true to allow plain SMTP)',
      );
    }
    if (query.get('tls.rejectUnauthorized') === 'false') {
      problems.push(
        'SMTP_URL must not turn off certificate checks (tls.rejectUnauthorized=false) in production',
      );
    }
  }

  // Shared raw keys in the environment cannot be rotated or told apart: integration clients replace them.
  const envKeys = ['EHR_API_KEY', 'PORTAL_API_KEY'].filter((name) => env[name]);
  if (envKeys.length && !allowed('ALLOW_ENV_API_KEYS')) {
    problems.push(
      `${envKeys.join(' and ')} must not be set in production: create integration clients (npm run integration:create) or set ALLOW_ENV_API_KEYS=true`,
    );
  }

  if (allowed('ALLOW_FUTURE_ASOF')) problems.push('ALLOW_FUTURE_ASOF is for development and tests only');

  for (const name of ['BOOTSTRAP_STAFF_PASSWORD', 'OIDC_CLIENT_SECRET']) {
    const value = env[name];
    if (value && KNOWN_DEVELOPMENT_VALUES.has(value))
      problems.push(`${name} is a development or test value: set a secret of your own`);
  }

  const keys: Array<[string, string]> = [
    ['JWT_SECRET', config.jwtSecret],
    ['TOTP_ENCRYPTION_KEY', config.totpEncryptionKey],
    ['NOTIFICATIONS_ENCRYPTION_KEY', config.notificationsEncryptionKey],
  ];
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      if (keys[i][1] && keys[i][1] === keys[j][1])
        problems.push(`${keys[i][0]} and ${keys[j][0]} must differ`);
    }
  }
  return problems;
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
