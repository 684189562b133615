import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { redactUrl } from '../logging/redact-url.js';
import { ProblemBody, ProblemException, ValidationProblem } from './problem.js';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** PostgreSQL error classes that mean the client sent a value the database cannot take. */
const PG_BAD_INPUT = new Set(['22P02', '22007', '22008', '22003', '22001', '22021', '22023', '22004']);

/**
 * The one place an error becomes a response: `application/problem+json` with
 * `status, title, detail, code` (and `errors[]` for validation). Anything unexpected is logged
 * and answered with a bland 500 that leaks no stack or SQL.
 */
/** What the filter reads of a request: Fastify's, or the raw one a Nest middleware sees. */
export interface ProblemRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
}

/** Sends a problem answer on Fastify's reply, or on the raw response (errors of Nest middleware). Nothing once the headers are out. */
export function sendProblem(
  res: FastifyReply | ServerResponse,
  body: ProblemBody,
  headers: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  if ('raw' in res) {
    if (res.sent || res.raw.headersSent) return;
    res.headers(headers).code(body.status).type('application/problem+json').send(text);
    return;
  }
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.statusCode = body.status;
  res.setHeader('content-type', 'application/problem+json');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<FastifyReply | ServerResponse>();
    const req = ctx.getRequest<ProblemRequest | undefined>();
    const { body, headers } = this.toProblem(exception, req);
    if (body.status >= 500) {
      // The redacted URL, never req.path: integration paths carry MRNs (/patients/:mrn/...).
      this.logger.error(
        { err: loggableError(exception), url: redactUrl(req?.originalUrl ?? req?.url) },
        'unhandled error',
      );
    }
    sendProblem(res, body, headers);
  }

  toProblem(
    exception: unknown,
    req?: ProblemRequest,
  ): { body: ProblemBody; headers: Record<string, string> } {
    // The platform wraps errors of the body parser (and its own 4xx errors) in an HttpException with the error as cause.
    if (
      exception instanceof HttpException &&
      !(exception instanceof ProblemException) &&
      isBodyError(exception.cause)
    ) {
      exception = exception.cause;
    }
    if (exception instanceof ValidationProblem) {
      return {
        body: problem(400, 'validation_failed', 'The request is not valid.', { errors: exception.errors }),
        headers: {},
      };
    }
    if (exception instanceof ProblemException) {
      return {
        body: problem(exception.getStatus(), exception.code, detailOf(exception), exception.extra),
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      let detail = detailOf(exception);
      if (status === 404 && req)
        detail = `No route ${req.method} ${redactUrl(pathOf(req.originalUrl ?? req.url))}.`;
      return { body: problem(status, CODE_BY_STATUS[status] ?? `http_${status}`, detail), headers: {} };
    }
    const bodyParserError = exception as {
      type?: string;
      status?: number;
      code?: string;
      statusCode?: number;
    };
    if (isBodyError(exception) && typeof bodyParserError.code === 'string') {
      // Fastify's own (FST_ERR_CTP_*): no parser for the content type, body over the route's limit, wrong length.
      if (bodyParserError.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        return { body: problem(413, 'payload_too_large', 'The request body is too large.'), headers: {} };
      if (bodyParserError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return {
          body: problem(
            415,
            'unsupported_media_type',
            'The request content type is not supported: send application/json.',
          ),
          headers: {},
        };
      }
      const status = bodyParserError.statusCode!;
      return {
        body: problem(status, CODE_BY_STATUS[status] ?? 'bad_request', 'The request body could not be read.'),
        headers: {},
      };
    }
    if (isBodyError(exception)) {
      switch (bodyParserError.type) {
        case 'entity.parse.failed':
          return { body: problem(400, 'malformed_json', 'The request body is not valid JSON.'), headers: {} };
        case 'entity.too.large':
          return { body: problem(413, 'payload_too_large', 'The request body is too large.'), headers: {} };
        case 'encoding.unsupported':
        case 'charset.unsupported':
          return {
            body: problem(415, 'unsupported_media_type', 'The request encoding is not supported.'),
            headers: {},
          };
        default:
          if (bodyParserError.status! >= 400 && bodyParserError.status! < 500) {
            return {
              body: problem(
                bodyParserError.status!,
                CODE_BY_STATUS[bodyParserError.status!] ?? 'bad_request',
                'The request body could not be read.',
              ),
              headers: {},
            };
          }
      }
    }
    const dbError = asDatabaseError(exception);
    if (dbError) {
      const code = dbError.code;
      if (code && PG_BAD_INPUT.has(code)) {
        return {
          body: problem(400, 'invalid_input', 'A value in the request is not acceptable.'),
          headers: {},
        };
      }
      if (code === '23505') {
        return {
          body: problem(409, 'conflict', 'The request conflicts with the current state.'),
          headers: {},
        };
      }
    }
    return { body: problem(500, 'internal_error', 'Something went wrong on our side.'), headers: {} };
  }
}

/** An error of the body reader (configure-app's `BodyError`, body-parser's shape) or one of Fastify's 4xx content-type-parser errors. */
function isBodyError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { type?: unknown; status?: unknown; code?: unknown; statusCode?: unknown };
  if (typeof e.type === 'string' && typeof e.status === 'number') return true;
  return (
    typeof e.code === 'string' &&
    e.code.startsWith('FST_ERR_CTP_') &&
    typeof e.statusCode === 'number' &&
    e.statusCode >= 400 &&
    e.statusCode < 500
  );
}

/** The path of a request URL, without its query string. */
function pathOf(url: string | undefined): string {
  const path = url ?? '/';
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): ProblemBody {
  const { code: _c, detail: _d, ...rest } = extra;
  return { ...rest, status, title: STATUS_CODES[status] ?? 'Error', detail, code };
}

function detailOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const detail =
    (response as { detail?: unknown; message?: unknown }).detail ??
    (response as { message?: unknown }).message;
  if (Array.isArray(detail)) return detail.join('; ');
  return typeof detail === 'string' ? detail : exception.message;
}

export { HttpStatus };

type DatabaseError = Error & { code?: string; constraint?: string; table?: string; routine?: string };

/** A PostgreSQL error, whether TypeORM wrapped it or it came straight from pg (prepared statements). */
function asDatabaseError(error: unknown): DatabaseError | null {
  return error instanceof QueryFailedError || error instanceof pg.DatabaseError
    ? (error as DatabaseError)
    : null;
}

/**
 * What of an unexpected error goes to the log. A database error carries the SQL, its parameters
 * and PostgreSQL's detail ("Key (mrn)=(…) already exists") — patient data — so only its class,
 * SQLSTATE, constraint, table and stack frames are kept; other errors keep message and stack.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
  const db = asDatabaseError(error);
  if (db) {
    return {
      type: error.name,
      sqlState: db.code,
      constraint: db.constraint,
      table: db.table,
      routine: db.routine,
      stack: frames,
    };
  }
  return { type: error.name, message: error.message, stack: error.stack };
}
