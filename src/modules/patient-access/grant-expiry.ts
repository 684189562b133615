import { addDays, hospitalDate, hospitalInstant } from '../../common/time/hospital-time.js';

/**
 * Adds calendar months to a YYYY-MM-DD date, clamping the day to the target month's last day
 * (2026-08-31 + 6 = 2027-02-28). Same rule as invitation tokens (tokens/invitation-token.ts); kept
 * here because patient-access may not import tokens (tokens depends on patient-access).
 */
export function addCalendarMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const monthIndex = y * 12 + (m - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export interface GrantPeriod {
  /** The last hospital date on which the grant still applies. */
  validThrough: string;
  /** The first instant it no longer applies: hospital midnight after `validThrough` (exclusive). */
  expiresAt: Date;
}

/**
 * A personal grant made at `grantedAt` lasts `months` calendar months in hospital time, to the end
 * of that day, month end clamped (API.md v1.1): granted 2026-11-16 10:00 EST with 12 months →
 * valid through 2027-11-16, expires 2027-11-17 00:00 EST.
 */
export function grantPeriod(grantedAt: Date, months: number): GrantPeriod {
  const validThrough = addCalendarMonths(hospitalDate(grantedAt), months);
  return { validThrough, expiresAt: hospitalInstant(addDays(validThrough, 1)) };
}

/** The last hospital date a grant expiring (exclusively) at `expiresAt` still applies. */
export function lastGrantDay(expiresAt: Date): string {
  return hospitalDate(new Date(expiresAt.getTime() - 1));
}
