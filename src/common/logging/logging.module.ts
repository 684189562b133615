import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { pino } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { redactUrl } from './redact-url.js';

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

export { redactUrl };

/** Whether a level writes the per-request `info` line (pino's numeric levels: info is 30). */
export function logsRequests(level: string): boolean {
  const value = pino.levels.values[level];
  return value !== undefined && value <= pino.levels.values.info;
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // pino-http gives every request a child logger inside an AsyncLocalStorage scope (promise hooks on
        // every await) only to write the per-request `info` line: above `info` nothing would use it.
        forRoutes: logsRequests(config.logLevel) ? undefined : [],
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
