import { Inject, Injectable } from '@nestjs/common';
import Holidays from 'date-holidays';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import {
  addDays,
  dayOfWeek,
  endOfHospitalDay,
  HOSPITAL_TIME_ZONE,
  hospitalDate,
  isIsoDate,
} from './hospital-time.js';

/**
 * The 11 US federal holidays (5 U.S.C. 6103) as `date-holidays` names them in `en-us`. The library marks
 * them `public` (its US data has no other `public` holiday); the observed Friday of a Saturday Veterans Day
 * is marked `bank`, so substitute days of these holidays are taken whatever their type. The name list
 * guards against a library update adding a non-federal `public` day; the unit test pins 11 a year.
 */
export const FEDERAL_HOLIDAYS = [
  "New Year's Day",
  'Martin Luther King Jr. Day',
  "Washington's Birthday",
  'Memorial Day',
  'Juneteenth',
  'Independence Day',
  'Labor Day',
  'Columbus Day',
  'Veterans Day',
  'Thanksgiving Day',
  'Christmas Day',
] as const;

const SUBSTITUTE_SUFFIX = ' (substitute day)';

export interface NonBusinessDay {
  date: string;
  reason: 'weekend' | 'federal_holiday' | 'hospital_closure';
  name?: string;
}

/**
 * Business days of the hospital: Monday–Friday in hospital time (America/New_York), except US federal
 * holidays on their observed dates (from `date-holidays`, country US) and the hospital closure dates of
 * configuration (`HOSPITAL_CLOSURES`).
 *
 * Deadlines: `addBusinessDays(from, n)` is due at the END of the n-th business day after the hospital
 * calendar date of `from` (23:59:59.999 hospital time, so "due Wednesday" means all of Wednesday). The
 * day something arrives never counts, whatever the hour; something arriving on a weekend or holiday
 * counts from the next business day exactly as if it had arrived on the last business day before it
 * (Friday or Saturday arrival with n = 3 → due Wednesday). n = 0 is due at the end of the arrival
 * date if it is a business day, else at the end of the next business day.
 */
@Injectable()
export class BusinessCalendar {
  private readonly holidays = new Holidays('US', { timezone: HOSPITAL_TIME_ZONE });
  private readonly closures: ReadonlySet<string>;
  private readonly holidaysByYear = new Map<number, Map<string, string>>();

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'hospitalClosures'>) {
    for (const d of config.hospitalClosures) {
      if (!isIsoDate(d)) throw new RangeError(`Hospital closure "${d}" is not a YYYY-MM-DD date`);
    }
    this.closures = new Set(config.hospitalClosures);
  }

  /** Federal holidays (observed and actual dates) falling in a calendar year: date → name. */
  federalHolidays(year: number): ReadonlyMap<string, string> {
    let found = this.holidaysByYear.get(year);
    if (!found) {
      found = new Map();
      // An observed date can fall in the year before its holiday (Jan 1 on a Saturday → Dec 31).
      for (const y of [year, year + 1]) {
        for (const h of this.holidays.getHolidays(y, 'en-us')) {
          const date = h.date.slice(0, 10);
          if (!date.startsWith(`${year}-`)) continue;
          const substitute = h.name.endsWith(SUBSTITUTE_SUFFIX);
          const name = substitute ? h.name.slice(0, -SUBSTITUTE_SUFFIX.length) : h.name;
          if (!(FEDERAL_HOLIDAYS as readonly string[]).includes(name)) continue;
          if (h.type !== 'public' && !(substitute && h.type === 'bank')) continue;
          found.set(date, h.name);
        }
      }
      this.holidaysByYear.set(year, found);
    }
    return found;
  }

  /** Why a date is not a business day, or null when it is one. */
  nonBusinessReason(date: string): NonBusinessDay | null {
    if (!isIsoDate(date)) throw new RangeError(`"${date}" is not a YYYY-MM-DD date`);
    const dow = dayOfWeek(date);
    if (dow === 0 || dow === 6) return { date, reason: 'weekend' };
    const holiday = this.federalHolidays(Number(date.slice(0, 4))).get(date);
    if (holiday) return { date, reason: 'federal_holiday', name: holiday };
    if (this.closures.has(date)) return { date, reason: 'hospital_closure' };
    return null;
  }

  isBusinessDay(date: string): boolean {
    return this.nonBusinessReason(date) === null;
  }

  /** The first business day strictly after `date`. */
  nextBusinessDay(date: string): string {
    let d = addDays(date, 1);
    while (!this.isBusinessDay(d)) d = addDays(d, 1);
    return d;
  }

  /** The hospital calendar date of the n-th business day after the arrival instant (see class doc). */
  addBusinessDaysToDate(from: Date, days: number): string {
    if (!Number.isInteger(days) || days < 0)
      throw new RangeError(`days must be a non-negative integer (got ${days})`);
    let date = hospitalDate(from);
    if (days === 0) return this.isBusinessDay(date) ? date : this.nextBusinessDay(date);
    for (let i = 0; i < days; i++) date = this.nextBusinessDay(date);
    return date;
  }

  /** The due instant: end of the n-th business day after `from`, in hospital time (see class doc). */
  addBusinessDays(from: Date, days: number): Date {
    return endOfHospitalDay(this.addBusinessDaysToDate(from, days));
  }

  /** Business days strictly after `fromDate` up to and including `toDate` (0 when toDate <= fromDate). */
  businessDaysBetween(fromDate: string, toDate: string): number {
    let count = 0;
    for (let d = addDays(fromDate, 1); d <= toDate; d = addDays(d, 1)) if (this.isBusinessDay(d)) count++;
    return count;
  }
}
