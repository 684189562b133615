import Holidays from 'date-holidays';
import { addDays, hospitalDate, hospitalInstant } from '../../common/time/hospital-time.js';

// Local stand-in until src/common/time/business-calendar.ts (pcp-updates) lands; then switch to it.
const us = new Holidays('US');

function isBusinessDay(date: string, closures: ReadonlySet<string>): boolean {
  const [y, m, d] = date.split('-').map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  if (closures.has(date)) return false;
  return !federalHolidays(y).has(date);
}

const byYear = new Map<number, Set<string>>();
/** US federal holidays (and their observed substitute days) of a year, as YYYY-MM-DD. */
function federalHolidays(year: number): Set<string> {
  let set = byYear.get(year);
  if (!set) {
    set = new Set(us.getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    byYear.set(year, set);
  }
  return set;
}

/** End (23:59:59 hospital time) of the `days`-th business day after the day `from` falls on. */
export function businessDaysDue(from: Date, days: number, closures: string[]): Date {
  const closed = new Set(closures);
  let date = hospitalDate(from);
  let counted = 0;
  while (counted < days) {
    date = addDays(date, 1);
    if (isBusinessDay(date, closed)) counted++;
  }
  return hospitalInstant(date, '23:59:59');
}
