import { HttpException, HttpStatus } from '@nestjs/common';
import { ERROR_CATALOGUE, type ErrorCode, type ErrorCodeOfStatus } from './error-catalogue.js';

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
    readonly code: ErrorCode,
    detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super({ code, detail, ...extra }, status);
  }
}

/**
 * Builds the exception for a catalogued code: its status comes from the catalogue, `detail`
 * overrides the catalogue's default wording for this occurrence.
 */
export function problem(code: ErrorCode, detail?: string, extra?: Record<string, unknown>): ProblemException {
  const entry = ERROR_CATALOGUE[code];
  return new ProblemException(entry.status, code, detail ?? entry.detail, extra);
}

export const badRequest = (code: ErrorCodeOfStatus<400>, detail?: string, extra?: Record<string, unknown>) =>
  problem(code, detail, extra);
export const unauthenticated = (detail?: string, code: ErrorCodeOfStatus<401> = 'unauthenticated') =>
  problem(code, detail ?? ERROR_CATALOGUE[code].detail);
export const forbidden = (code: ErrorCodeOfStatus<403>, detail?: string, extra?: Record<string, unknown>) =>
  problem(code, detail, extra);
export const notFound = (detail?: string) => problem('not_found', detail);
export const conflict = (code: ErrorCodeOfStatus<409>, detail?: string, extra?: Record<string, unknown>) =>
  problem(code, detail, extra);
export const rateLimited = (retryAfterSeconds: number, detail?: string) =>
  new ProblemException(
    HttpStatus.TOO_MANY_REQUESTS,
    'rate_limited',
    detail ?? ERROR_CATALOGUE.rate_limited.detail,
    {},
    { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  );

export class ValidationProblem extends ProblemException {
  constructor(readonly errors: FieldError[]) {
    super(HttpStatus.BAD_REQUEST, 'validation_failed', 'The request is not valid.', { errors });
  }
}
