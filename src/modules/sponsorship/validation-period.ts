import { addDays, hospitalInstant } from '../../common/time/hospital-time.js';

/** Days a sponsor has to complete a validation, counted from the day it was opened. */
export const VALIDATION_DAYS = 30;
/** Reminders go out this many days before the due date (each once). */
export const REMINDER_DAYS = [14, 7, 1] as const;

export interface ValidationWindow {
  /** `YYYY-04` or `YYYY-10`. */
  period: string;
  /** First day of the period (April 1 or October 1). */
  periodStart: string;
  /** Hospital calendar date on which the validation becomes overdue. */
  dueDate: string;
  /** Hospital midnight at the start of `dueDate`. */
  dueAt: Date;
}

/**
 * The validation period containing the hospital date `asOf` (the last April 1 or October 1 on or
 * before it) and the due date of a validation opened on `asOf`: 30 days after the later of the
 * period start and `asOf`, so a late run still gives the sponsor their 30 days.
 */
export function validationWindow(asOf: string): ValidationWindow {
  const [year, month] = asOf.split('-').map(Number);
  let period: string;
  if (month >= 10) period = `${year}-10`;
  else if (month >= 4) period = `${year}-04`;
  else period = `${year - 1}-10`;
  const periodStart = `${period}-01`;
  const openedOn = asOf > periodStart ? asOf : periodStart;
  const dueDate = addDays(openedOn, VALIDATION_DAYS);
  return { period, periodStart, dueDate, dueAt: hospitalInstant(dueDate) };
}

/** Which reminder is due `daysLeft` days before the due date: the smallest threshold not below it. */
export function reminderFor(daysLeft: number): number | null {
  if (daysLeft <= 0) return null;
  for (const threshold of [...REMINDER_DAYS].sort((a, b) => a - b))
    if (daysLeft <= threshold) return threshold;
  return null;
}

/** The last hospital date to complete a validation due on `dueDate` (it is overdue from `dueDate` on). */
export function lastDayOf(dueDate: string): string {
  return addDays(dueDate, -1);
}

/** The hospital date the next validation period opens after `asOf` (April 1 or October 1). */
export function nextPeriodOpensOn(asOf: string): string {
  const [year, month] = asOf.split('-').map(Number);
  if (month < 4) return `${year}-04-01`;
  if (month < 10) return `${year}-10-01`;
  return `${year + 1}-04-01`;
}
