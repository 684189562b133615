import { HttpException, RequestMethod } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from './config/app-config.js';
import { ProblemFilter, sendProblem } from './common/errors/problem.filter.js';
import { createValidationPipe } from './common/errors/validation.js';
import { securityHeaders, securityHeadersHook } from './common/http/security-headers.js';
import { API_PREFIX } from './common/http/api-prefix.js';
import { AccessTokenSignature } from './modules/identity/index.js';

/** 1 MiB, as body-parser's `1mb` was. */
export const JSON_BODY_LIMIT = 1024 * 1024;
/** The support-request route takes a screenshot of up to 5 MiB, base64-encoded (~6.7 MiB): signed-in callers only. */
export const SUPPORT_BODY_LIMIT = 7 * 1024 * 1024;
export const LARGE_BODY_ROUTES = [`/${API_PREFIX}/support-requests`];

const API_PATH = new RegExp(`^/${API_PREFIX.replace('/', '\\/')}(?:[/?]|$)`);

/** Every API answer may carry patient data or tokens: no browser or proxy keeps a copy (ASVS 8.2.1). */
export function noStore(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (API_PATH.test(req.url)) {
    reply.header('cache-control', 'no-store');
    reply.header('pragma', 'no-cache');
  }
  done();
}

/**
 * Fastify's `trustProxy` from `TRUST_PROXY`: a hop count (`1`: the load balancer in front) or a
 * comma-separated list of addresses, CIDRs and `loopback`/`linklocal`/`uniquelocal`. Trusting every
 * hop (`true`) is refused: any client could then choose its address with `X-Forwarded-For` and
 * escape (or exhaust) the per-address throttles.
 */
export function trustProxySetting(raw: string | undefined): number | string {
  const value = (raw ?? '').trim() || 'loopback';
  if (/^\d+$/.test(value)) return Number(value);
  if (/^(true|\*)$/i.test(value))
    throw new Error(
      "TRUST_PROXY=true would trust any X-Forwarded-For: give the hop count or the proxies' addresses",
    );
  return value;
}

/**
 * `trustProxySetting` as Fastify's `trustProxy`. A hop count becomes a function (trust the `n`
 * nearest hops, as Express's `trust proxy` did): Fastify 5 takes a bare number for "trust nothing".
 */
export function trustProxyOption(
  raw: string | undefined,
): string | ((address: string, hop: number) => boolean) {
  const setting = trustProxySetting(raw);
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

const FRAMEWORK_PROBLEMS = new ProblemFilter();

/** The HTTP platform of main.ts and the tests: Fastify, with the proxy trust of TRUST_PROXY. */
export function createHttpAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: trustProxyOption(process.env.TRUST_PROXY),
    bodyLimit: JSON_BODY_LIMIT,
    // Longer than the load balancer's idle timeout (60 s on most), so it never reuses a closed connection.
    keepAliveTimeout: 65_000,
    // Express's routing, which the API has had: paths match regardless of letter case and of a trailing
    // slash, and a path parameter may be as long as a URL (a 4,000-character id is a 404, not a 414).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    // The router refuses a URL it cannot decode (broken percent escapes) before any hook or handler:
    // answered in problem+json like every other error (and never cached), not Fastify's JSON.
    frameworkErrors: (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      const status =
        error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      const { body, headers } = FRAMEWORK_PROBLEMS.toProblem(
        new HttpException('The request URL is not valid.', status),
        req,
      );
      sendProblem(reply.header('cache-control', 'no-store').header('pragma', 'no-cache'), body, headers);
    },
  });
}

/** An error of the body reader, shaped like body-parser's (`type`, `status`): ProblemFilter maps it to problem+json. */
export class BodyError extends Error {
  readonly statusCode: number;
  readonly expose = true;
  constructor(
    readonly type:
      | 'entity.parse.failed'
      | 'entity.too.large'
      | 'encoding.unsupported'
      | 'charset.unsupported'
      | 'request.aborted',
    readonly status: number,
  ) {
    super(type);
    this.statusCode = status;
  }
}

/** JSON's insignificant whitespace, then the first character: body-parser's strict mode takes only objects and arrays. */
const FIRST_CHAR = /^[ \t\n\r]*(.)/s;

/**
 * The JSON body parser (application/json only; everything else is 415 from Fastify): UTF-8, no
 * content coding, objects or arrays only, an empty body is `{}` — body-parser's behaviour. The
 * limit is 1 MiB, and 7 MiB on a large-body route for a caller whose bearer token is signed by us
 * (checked before the body is read: one HMAC), so an anonymous client cannot make us read 7 MiB.
 * The guard still checks the session afterwards.
 */
export function jsonBodyParser(
  config: AppConfig,
): (
  req: FastifyRequest,
  payload: IncomingMessage,
  done: (err: Error | null, body?: unknown) => void,
) => void {
  // The guard's own signature check (no session read: the guard still checks the session afterwards).
  const signature = new AccessTokenSignature(config);
  const signedIn = (req: FastifyRequest): boolean =>
    signature.ofHeader(req.headers.authorization) !== undefined;
  const largeRoute = (url: string): boolean =>
    LARGE_BODY_ROUTES.some(
      (route) => url.startsWith(route) && (url.length === route.length || '/?'.includes(url[route.length]!)),
    );

  return (req, payload, done) => {
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') return done(new BodyError('encoding.unsupported', 415));
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i
      .exec(req.headers['content-type'] ?? '')?.[1]
      ?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
      return done(new BodyError('charset.unsupported', 415));
    const limit = largeRoute(req.url) && signedIn(req) ? SUPPORT_BODY_LIMIT : JSON_BODY_LIMIT;
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return done(new BodyError('entity.too.large', 413));

    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (err: Error | null, body?: unknown) => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      done(err, body);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return finish(new BodyError('entity.too.large', 413));
      chunks.push(chunk);
    };
    const onError = () => finish(new BodyError('request.aborted', 400));
    const onEnd = () => {
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)).toString('utf8');
      if (text.length === 0) return finish(null, {});
      const first = FIRST_CHAR.exec(text)?.[1];
      if (first !== '{' && first !== '[') return finish(new BodyError('entity.parse.failed', 400));
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return finish(new BodyError('entity.parse.failed', 400));
      }
      finish(null, body);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  };
}

/** Everything about the HTTP stack that main.ts and the tests share (the adapter: `createHttpAdapter()`). */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  // Helmet's default headers on every response, computed once (security-headers.ts).
  fastify.addHook('onRequest', securityHeadersHook(securityHeaders()));
  // First, so every /api/v1 answer has them: errors of the parser and guards, 404s and the dashboard too.
  fastify.addHook('onRequest', noStore);
  if (config.corsOrigins.length) {
    app.enableCors({ origin: config.corsOrigins, credentials: false, maxAge: 600 });
  }
  // The body parser is ours (bodyParser: false at creation) so the size limits are explicit.
  // Its errors go to Nest's exception layer (mapped to HttpException with the error as cause): problem+json.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', jsonBodyParser(config));

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
      .addApiKey(
        { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'Patient portal key' },
        'portal-key',
      )
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
