import { INestApplication, RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { JwtService } from '@nestjs/jwt';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from './config/app-config.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { createValidationPipe } from './common/errors/validation.js';

export const API_PREFIX = 'api/v1';
export const JSON_BODY_LIMIT = '1mb';
/** The support-request route takes a screenshot of up to 5 MiB, base64-encoded (~6.7 MiB): signed-in callers only. */
export const SUPPORT_BODY_LIMIT = '7mb';
export const LARGE_BODY_ROUTES = [`/${API_PREFIX}/support-requests`];

/** Every API answer may carry patient data or tokens: no browser or proxy keeps a copy (ASVS 8.2.1). */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  next();
}

/**
 * Express's `trust proxy` from `TRUST_PROXY`: a hop count (`1`: the load balancer in front) or a
 * comma-separated list of addresses, CIDRs and `loopback`/`linklocal`/`uniquelocal`. Trusting every
 * hop (`true`) is refused: any client could then choose its address with `X-Forwarded-For` and
 * escape (or exhaust) the per-address throttles.
 */
export function trustProxySetting(raw: string | undefined): number | string {
  const value = (raw ?? '').trim() || 'loopback';
  if (/^\d+$/.test(value)) return Number(value);
  if (/^(true|\*)$/i.test(value)) throw new Error('TRUST_PROXY=true would trust any X-Forwarded-For: give the hop count or the proxies\' addresses');
  return value;
}

/**
 * The body parser of a large-body route: the 7 MiB limit only for a caller whose bearer token is
 * signed by us (checked before the body is read: one HMAC), 1 MiB for anyone else, so an
 * anonymous client cannot make us parse 7 MiB. The guard still checks the session afterwards.
 */
export function largeBodyParser(config: AppConfig): (req: Request, res: Response, next: NextFunction) => void {
  const jwt = new JwtService();
  const large = express.json({ limit: SUPPORT_BODY_LIMIT });
  const small = express.json({ limit: JSON_BODY_LIMIT });
  const signedIn = (req: Request): boolean => {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
    try {
      jwt.verify(header.slice(7), {
        secret: config.jwtSecret,
        algorithms: ['HS256'],
        issuer: config.jwtIssuer,
        audience: config.jwtAudience,
      });
      return true;
    } catch {
      return false;
    }
  };
  return (req, res, next) => (signedIn(req) ? large : small)(req, res, next);
}

/** Everything about the HTTP stack that main.ts and the tests share. */
export function configureApp(app: INestApplication, config: AppConfig): void {
  const expressApp = app as NestExpressApplication;
  expressApp.useLogger(app.get(Logger));
  expressApp.disable('x-powered-by');
  expressApp.set('trust proxy', trustProxySetting(process.env.TRUST_PROXY));
  expressApp.use(helmet());
  // First, so every /api/v1 answer has them: errors of the parsers and guards, 404s and the dashboard too.
  expressApp.use(`/${API_PREFIX}`, noStore);
  if (config.corsOrigins.length) {
    expressApp.enableCors({ origin: config.corsOrigins, credentials: false, maxAge: 600 });
  }
  // Body parsers are ours (bodyParser: false at creation) so the size limits are explicit.
  for (const route of LARGE_BODY_ROUTES) expressApp.use(route, largeBodyParser(config));
  expressApp.use(express.json({ limit: JSON_BODY_LIMIT }));
  expressApp.use(express.urlencoded({ extended: false, limit: JSON_BODY_LIMIT }));
  // Errors from the parsers above happen before Nest's pipeline: answer them in problem+json too.
  const filter = new ProblemFilter();
  expressApp.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    const { body, headers } = filter.toProblem(err, req);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  });

  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'docs', method: RequestMethod.GET }] });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('MyPatients API')
      .setDescription('REST contract v1 of the MyPatients backend (see API.md).')
      .setVersion('1.0')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'EHR feed key' }, 'ehr-key')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'Patient portal key' }, 'portal-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
