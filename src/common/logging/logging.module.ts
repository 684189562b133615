import { UUID_PATTERN } from '../validation/uuid.js';
import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

/** Fields that may carry patient identifiers or secrets: never written to a log. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'newPassword',
    'token',
    'refreshToken',
    'accessToken',
    'mfaToken',
    'code',
    'secret',
    'mrn',
    'firstName',
    'lastName',
    'dob',
    'screenshot',
  ].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

/**
 * Drops query-string values from logged URLs (searches carry MRNs, names and dates of birth) and
 * the MRN of integration paths (`/patients/:mrn/...`): a patient segment that is not a UUID is an MRN.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).replace(
    /(\/patients\/)([^/]+)/gi,
    (whole, prefix: string, segment: string) => (UUID_PATTERN.test(segment) ? whole : `${prefix}[Redacted]`),
  );
  if (q < 0) return path;
  const params = new URLSearchParams(url.slice(q + 1));
  return `${path}?${[...params.keys()].map((k) => `${k}=[Redacted]`).join('&')}`;
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
          genReqId: (req: IncomingMessage) => {
            const given = req.headers['x-request-id'];
            return typeof given === 'string' && /^[\w-]{1,100}$/.test(given) ? given : randomUUID();
          },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              url: redactUrl(req.url),
            }),
          },
          customProps: () => ({ service: 'mypatients' }),
        },
      }),
    }),
  ],
})
export class LoggingModule {}
