import { randomToken, sha256Hex } from '../../common/crypto/tokens.js';
import { addDays, hospitalDate, hospitalInstant } from '../../common/time/hospital-time.js';

/** 32 random bytes = 256 bits of entropy (the contract asks for at least 64), base64url: 43 characters. */
export const INVITATION_TOKEN_BYTES = 32;
export const INVITATION_VALIDITY_MONTHS = 6;
/** Anything longer than this is not a token we issued; refused before hashing. */
export const INVITATION_TOKEN_MAX_LENGTH = 128;

export interface IssuedToken {
  /** The secret: goes into the email only, never stored or logged. */
  token: string;
  /** What is stored (SHA-256, hex). */
  hash: string;
}

export function issueInvitationToken(): IssuedToken {
  const token = randomToken(INVITATION_TOKEN_BYTES);
  return { token, hash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): string {
  return sha256Hex(token);
}

/** URL-safe alphabet only, bounded length: anything else cannot be one of ours. */
export function looksLikeInvitationToken(value: string): boolean {
  return value.length >= 16 && value.length <= INVITATION_TOKEN_MAX_LENGTH && /^[A-Za-z0-9_-]+$/.test(value);
}

/**
 * Adds calendar months to a YYYY-MM-DD date. When the target month is shorter, the day is clamped
 * to its last day (2026-08-31 + 6 months = 2027-02-28; 2027-08-31 + 6 = 2028-02-29).
 */
export function addMonthsClamped(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const monthIndex = y * 12 + (m - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12; // 0-based
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export interface InvitationExpiry {
  /** The last hospital calendar date on which the token still works. */
  validThrough: string;
  /** The first instant at which it no longer works: hospital midnight after `validThrough` (exclusive bound). */
  expiresAt: Date;
}

/**
 * Six calendar months after issue, reckoned on the hospital calendar (America/New_York): a token
 * issued at any time on day D works until the end of day D + 6 months (month end clamped), hospital
 * time, whatever the daylight-saving offset is on either date.
 */
export function invitationExpiry(issuedAt: Date): InvitationExpiry {
  const validThrough = addMonthsClamped(hospitalDate(issuedAt), INVITATION_VALIDITY_MONTHS);
  return { validThrough, expiresAt: hospitalInstant(addDays(validThrough, 1)) };
}
