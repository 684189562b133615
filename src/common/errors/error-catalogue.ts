/**
 * Every error `code` the API answers with, its HTTP status and the detail used when a call site
 * gives none. Codes are part of the contract (API.md); add a code here before throwing it.
 * `problem(code)` in problem.ts builds the exception from this table.
 */
export const ERROR_CATALOGUE = {
  // Generic (also produced by the problem filter for framework errors)
  bad_request: { status: 400, detail: 'The request is not valid.' },
  validation_failed: { status: 400, detail: 'The request is not valid.' },
  invalid_input: { status: 400, detail: 'A value in the request is not acceptable.' },
  unauthenticated: { status: 401, detail: 'Authentication is required.' },
  forbidden: { status: 403, detail: 'Your account may not use this route.' },
  not_found: { status: 404, detail: 'Not found.' },
  method_not_allowed: { status: 405, detail: 'This method is not allowed here.' },
  conflict: { status: 409, detail: 'The request conflicts with the current state.' },
  invalid_state: { status: 409, detail: 'This cannot be done in the current state.' },
  payload_too_large: { status: 413, detail: 'The request body is too large.' },
  unsupported_media_type: { status: 415, detail: 'This content type is not supported.' },
  rate_limited: { status: 429, detail: 'Too many requests; try again later.' },
  service_unavailable: { status: 503, detail: 'The service is temporarily unavailable.' },

  // Sign-in and accounts
  invalid_credentials: { status: 401, detail: 'The email or password is not correct.' },
  invalid_code: {
    status: 401,
    detail: 'The code is not correct or has expired. Sign in again if this keeps happening.',
  },
  invalid_token: { status: 400, detail: 'This link is not valid: it has expired or has already been used.' },
  invalid_password: { status: 400, detail: 'The current password is not correct.' },
  weak_password: { status: 400, detail: 'Choose a stronger password.' },
  invalid_npi: { status: 400, detail: 'This is not a valid NPI.' },
  same_email: { status: 400, detail: 'That is already this account’s email address.' },
  unknown_practice: { status: 400, detail: 'No practice has this id.' },
  email_taken: { status: 409, detail: 'An account already exists for this email address.' },
  npi_taken: { status: 409, detail: 'An account already exists for this NPI.' },
  hospital_id_taken: { status: 409, detail: 'An account already exists for this hospital identity.' },
  email_change_not_allowed: { status: 403, detail: 'This account’s email address cannot be changed here.' },
  account_pending: { status: 403, detail: 'This account is not active yet.' },
  account_rejected: {
    status: 403,
    detail: 'This registration was not approved. Contact the MyPatients team.',
  },
  account_locked: { status: 403, detail: 'This account is locked. Contact the MyPatients team.' },
  account_deactivated: { status: 403, detail: 'This account is deactivated.' },
  account_not_found: {
    status: 403,
    detail: 'No MyPatients account is linked to this hospital identity. Contact the MyPatients team.',
  },
  not_locked: { status: 409, detail: 'This account is not locked.' },
  validation_lock: {
    status: 409,
    detail: 'This account is locked until its sponsor completes the validation.',
  },
  not_applicable: { status: 409, detail: 'This does not apply to this account.' },
  has_sponsored_users: {
    status: 409,
    detail: 'This sponsor still has sponsored users: choose to deactivate or transfer them.',
  },
  invalid_transfer: {
    status: 409,
    detail: 'Sponsored users can only be transferred to an active sponsor of the same practice.',
  },
  last_admin: {
    status: 409,
    detail: 'The last active admin cannot lose the admin role or be locked or deactivated.',
  },
  sso_not_configured: { status: 404, detail: 'Hospital sign-in is not configured on this server.' },
  sso_unavailable: {
    status: 503,
    detail: 'The hospital sign-in service cannot be reached. Try again later.',
  },
  sso_failed: { status: 401, detail: 'The hospital sign-in did not complete. Start again.' },
  sso_state_invalid: {
    status: 400,
    detail: 'This sign-in has expired or was already completed; start again.',
  },

  // Support requests
  invalid_screenshot: { status: 400, detail: 'The screenshot must be a PNG or JPEG image.' },
  screenshot_too_large: { status: 400, detail: 'The screenshot must be at most 5 MiB.' },

  // Sponsorship
  not_eligible: { status: 403, detail: 'Only providers with an NPI can enroll as sponsors.' },
  not_a_sponsor: { status: 403, detail: 'Only sponsors may use this route.' },
  validation_completed: { status: 409, detail: 'This validation is already complete.' },
  incomplete_decisions: { status: 400, detail: 'Decide to keep or remove every user on the validation.' },

  // Patients, access requests, tokens
  not_authorized: { status: 403, detail: 'You are not authorized to view this patient.' },
  document_belongs_to_other_patient: {
    status: 409,
    detail: 'A document with this id belongs to another patient.',
  },
  already_authorized: { status: 409, detail: 'You may already view this patient.' },
  request_pending: { status: 409, detail: 'You already have a pending request for this patient.' },
  request_not_pending: { status: 409, detail: 'This request is no longer pending.' },
  no_portal_account: { status: 409, detail: 'The patient has no patient-portal account.' },

  // PCP updates
  already_claimed: { status: 409, detail: 'Another team member has already claimed this request.' },
  not_claimed: { status: 409, detail: 'Claim the request first.' },
  not_assignee: { status: 409, detail: 'Only the team member who claimed the request may do this.' },
  invalid_transition: { status: 409, detail: 'The request is not in a state that allows this.' },
  confirmation_required: { status: 409, detail: "Record the family's verbal confirmation first." },
  requester_inactive: { status: 409, detail: 'The requester’s account is no longer active.' },
  requester_has_no_npi: { status: 409, detail: 'The requester has no NPI to make them the PCP.' },
  not_a_practice_physician: {
    status: 400,
    detail: 'This physician is not one of the requester’s practice’s physicians.',
  },

  // Notifications
  notification_not_failed: { status: 409, detail: 'Only a failed notification can be sent again.' },
  notification_token_discarded: {
    status: 409,
    detail: 'The one-time link of this email was discarded when it failed; the user must ask for a new one.',
  },
} as const satisfies Record<string, { status: number; detail: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Codes of one HTTP status, so a helper such as `conflict()` only accepts codes that are 409s. */
export type ErrorCodeOfStatus<S extends number> = {
  [C in ErrorCode]: (typeof ERROR_CATALOGUE)[C]['status'] extends S ? C : never;
}[ErrorCode];

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOGUE, code);
}
