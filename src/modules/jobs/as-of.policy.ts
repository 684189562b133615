import { isIsoDate } from '../../common/time/hospital-time.js';

/** Job date arithmetic (and PostgreSQL timestamps) need a sane year: 9999-12-31 plus a day broke it (500). */
export const ASOF_MIN = '2000-01-01';
export const ASOF_MAX = '2199-12-31';

/**
 * Why `asOf` may not be run for, or null. After today (hospital time) is refused unless
 * `allowFuture` (ALLOW_FUTURE_ASOF, never in production): a run "as of 2199-12-31" would enforce
 * every validation deadline, expire every grant and lock every sponsor now.
 */
export function asOfProblem(
  asOf: string,
  today: string,
  allowFuture: boolean,
): { detail: string; message: string } | null {
  if (!isIsoDate(asOf))
    return { detail: 'asOf is not a calendar date.', message: 'asOf must be a real calendar date' };
  if (asOf < ASOF_MIN || asOf > ASOF_MAX) {
    return { detail: 'asOf is out of range.', message: `asOf must be between ${ASOF_MIN} and ${ASOF_MAX}` };
  }
  if (!allowFuture && asOf > today)
    return { detail: 'asOf is after today.', message: `asOf must not be after today (${today})` };
  return null;
}
