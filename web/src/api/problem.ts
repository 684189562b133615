import type { ProblemBody } from './types';

/** A problem+json answer (or a network failure) as an Error the pages can show and map to fields. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: Record<string, string>;
  readonly body: ProblemBody;

  constructor(body: ProblemBody) {
    super(body.detail || body.title || `Request failed (${body.status})`);
    this.name = 'ApiError';
    this.status = body.status;
    this.code = body.code ?? (body.status === 0 ? 'network_error' : 'unknown');
    this.body = body;
    this.fieldErrors = {};
    for (const e of body.errors ?? []) {
      // `newPractice.name` → `newPractice.name`; the first message per field wins.
      if (e.field && !(e.field in this.fieldErrors)) this.fieldErrors[e.field] = e.message;
    }
  }
}

export function toApiError(error: unknown, status = 0): ApiError {
  if (error instanceof ApiError) return error;
  if (error && typeof error === 'object' && 'status' in error) return new ApiError(error as ProblemBody);
  return new ApiError({
    status,
    title: 'The service could not be reached. Check your connection and try again.',
  });
}

/** Plain-language messages for the contract's codes; anything else shows the server's detail. */
const MESSAGES: Record<string, string> = {
  invalid_credentials: 'The email or password is not right.',
  invalid_code: 'That code is not right or was already used. Wait for the next code and try again.',
  account_pending:
    'Your account is not active yet: confirm your email, then wait for the MyPatients team to approve it.',
  account_locked: 'Your account is locked. Try again later or contact the MyPatients team.',
  account_deactivated: 'This account is deactivated. Contact the MyPatients team.',
  rate_limited: 'Too many attempts. Wait a minute and try again.',
  invalid_token: 'This link or token is not valid any more.',
  weak_password: 'Choose a stronger password: longer, and not a common word or pattern.',
  invalid_npi: 'This NPI is not valid: check the 10 digits.',
  npi_taken: 'An account already uses this NPI.',
  email_taken: 'An account already uses this email.',
  request_pending: 'A request for this patient is already pending.',
  already_authorized: 'You already have access to this patient.',
  no_portal_account: 'This patient has no patient-portal account, so non-PCP access cannot be requested.',
  network_error: 'The service could not be reached. Check your connection and try again.',
};

export function messageFor(error: ApiError): string {
  return MESSAGES[error.code] ?? error.message;
}
