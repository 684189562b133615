import { INestApplication, RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from './config/app-config.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { createValidationPipe } from './common/errors/validation.js';

export const API_PREFIX = 'api/v1';
export const JSON_BODY_LIMIT = '1mb';
/** The support-request route takes a screenshot of up to 5 MiB, base64-encoded (~6.7 MiB). */
export const SUPPORT_BODY_LIMIT = '7mb';
export const LARGE_BODY_ROUTES = [`/${API_PREFIX}/support-requests`];

/** Everything about the HTTP stack that main.ts and the tests share. */
export function configureApp(app: INestApplication, config: AppConfig): void {
  const expressApp = app as NestExpressApplication;
  expressApp.useLogger(app.get(Logger));
  expressApp.disable('x-powered-by');
  expressApp.set('trust proxy', process.env.TRUST_PROXY ?? 'loopback');
  expressApp.use(helmet());
  if (config.corsOrigins.length) {
    expressApp.enableCors({ origin: config.corsOrigins, credentials: false, maxAge: 600 });
  }
  // Body parsers are ours (bodyParser: false at creation) so the size limits are explicit.
  for (const route of LARGE_BODY_ROUTES) expressApp.use(route, express.json({ limit: SUPPORT_BODY_LIMIT }));
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
