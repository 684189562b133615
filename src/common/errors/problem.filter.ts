import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
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
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const { body, headers } = this.toProblem(exception, req);
    if (body.status >= 500) {
      // The redacted URL, never req.path: integration paths carry MRNs (/patients/:mrn/...).
      this.logger.error({ err: loggableError(exception), url: redactUrl(req?.originalUrl ?? req?.url) }, 'unhandled error');
    }
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }

  toProblem(exception: unknown, req?: Request): { body: ProblemBody; headers: Record<string, string> } {
    if (exception instanceof ValidationProblem) {
      return { body: problem(400, 'validation_failed', 'The request is not valid.', { errors: exception.errors }), headers: {} };
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
      if (status === 404 && req) detail = `No route ${req.method} ${redactUrl(req.path)}.`;
      return { body: problem(status, CODE_BY_STATUS[status] ?? `http_${status}`, detail), headers: {} };
    }
    const bodyParserError = exception as { type?: string; status?: number; expose?: boolean; message?: string };
    if (bodyParserError && typeof bodyParserError.type === 'string' && typeof bodyParserError.status === 'number') {
      switch (bodyParserError.type) {
        case 'entity.parse.failed':
          return { body: problem(400, 'malformed_json', 'The request body is not valid JSON.'), headers: {} };
        case 'entity.too.large':
          return { body: problem(413, 'payload_too_large', 'The request body is too large.'), headers: {} };
        case 'encoding.unsupported':
        case 'charset.unsupported':
          return { body: problem(415, 'unsupported_media_type', 'The request encoding is not supported.'), headers: {} };
        default:
          if (bodyParserError.status >= 400 && bodyParserError.status < 500) {
            return {
              body: problem(bodyParserError.status, CODE_BY_STATUS[bodyParserError.status] ?? 'bad_request', 'The request body could not be read.'),
              headers: {},
            };
          }
      }
    }
    const dbError = asDatabaseError(exception);
    if (dbError) {
      const code = dbError.code;
      if (code && PG_BAD_INPUT.has(code)) {
        return { body: problem(400, 'invalid_input', 'A value in the request is not acceptable.'), headers: {} };
      }
      if (code === '23505') {
        return { body: problem(409, 'conflict', 'The request conflicts with the current state.'), headers: {} };
      }
    }
    return { body: problem(500, 'internal_error', 'Something went wrong on our side.'), headers: {} };
  }
}

function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): ProblemBody {
  const { code: _c, detail: _d, ...rest } = extra;
  return { ...rest, status, title: STATUS_CODES[status] ?? 'Error', detail, code };
}

function detailOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const detail = (response as { detail?: unknown; message?: unknown }).detail ?? (response as { message?: unknown }).message;
  if (Array.isArray(detail)) return detail.join('; ');
  return typeof detail === 'string' ? detail : exception.message;
}

export { HttpStatus };

type DatabaseError = Error & { code?: string; constraint?: string; table?: string; routine?: string };

/** A PostgreSQL error, whether TypeORM wrapped it or it came straight from pg (prepared statements). */
function asDatabaseError(error: unknown): DatabaseError | null {
  return error instanceof QueryFailedError || error instanceof pg.DatabaseError ? (error as DatabaseError) : null;
}

/**
 * What of an unexpected error goes to the log. A database error carries the SQL, its parameters
 * and PostgreSQL's detail ("Key (mrn)=(…) already exists") — patient data — so only its class,
 * SQLSTATE, constraint, table and stack frames are kept; other errors keep message and stack.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).join('\n');
  const db = asDatabaseError(error);
  if (db) {
    return { type: error.name, sqlState: db.code, constraint: db.constraint, table: db.table, routine: db.routine, stack: frames };
  }
  return { type: error.name, message: error.message, stack: error.stack };
}
