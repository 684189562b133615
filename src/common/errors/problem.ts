import { HttpException, HttpStatus } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type?: string;
  status: number;
  title: string;
  detail: string;
  code: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

/**
 * The one exception domain code throws: a status, a stable snake_case `code` (part of the API
 * contract) and a human detail. Extra members (e.g. `actions`) are merged into the body.
 */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super({ code, detail, ...extra }, status);
  }
}

export const badRequest = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new ProblemException(HttpStatus.BAD_REQUEST, code, detail, extra);
export const unauthenticated = (detail = 'Authentication is required.', code = 'unauthenticated') =>
  new ProblemException(HttpStatus.UNAUTHORIZED, code, detail);
export const forbidden = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new ProblemException(HttpStatus.FORBIDDEN, code, detail, extra);
export const notFound = (detail = 'Not found.') => new ProblemException(HttpStatus.NOT_FOUND, 'not_found', detail);
export const conflict = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new ProblemException(HttpStatus.CONFLICT, code, detail, extra);
export const rateLimited = (retryAfterSeconds: number, detail = 'Too many requests; try again later.') =>
  new ProblemException(
    HttpStatus.TOO_MANY_REQUESTS,
    'rate_limited',
    detail,
    {},
    { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  );

export class ValidationProblem extends ProblemException {
  constructor(readonly errors: FieldError[]) {
    super(HttpStatus.BAD_REQUEST, 'validation_failed', 'The request is not valid.', { errors });
  }
}
