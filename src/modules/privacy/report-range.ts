import { type FieldError, ValidationProblem } from '../../common/errors/problem.js';
import { addDays, hospitalInstant, isIsoDate } from '../../common/time/hospital-time.js';

/** The longest CSV export (API.md v1.1: `from` and `to` at most 366 days apart). */
export const MAX_EXPORT_DAYS = 366;

/** `from`/`to` hospital dates, inclusive, as instants: `[fromAt, beforeAt)`. */
export interface InstantRange {
  fromAt?: Date;
  beforeAt?: Date;
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/**
 * Checks `from`/`to` (YYYY-MM-DD hospital dates, inclusive) and resolves them to instants. With
 * `required`, both must be given and at most `maxDays` apart. Every problem is a 400
 * `validation_failed` naming its field.
 */
export function hospitalDateRange(
  from: string | undefined,
  to: string | undefined,
  rules: { required?: boolean; maxDays?: number } = {},
): InstantRange {
  const errors: FieldError[] = [];
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value === undefined || value === '') {
      if (rules.required) errors.push({ field, message: `${field} is required for a CSV export` });
    } else if (!isIsoDate(value)) errors.push({ field, message: `${field} must be a real date YYYY-MM-DD` });
  }
  if (!errors.length && from && to) {
    const days = dayNumber(to) - dayNumber(from);
    if (days < 0) errors.push({ field: 'to', message: 'to must not be before from' });
    else if (rules.maxDays !== undefined && days > rules.maxDays)
      errors.push({ field: 'to', message: `from and to must be at most ${rules.maxDays} days apart` });
  }
  if (errors.length) throw new ValidationProblem(errors);
  return {
    ...(from ? { fromAt: hospitalInstant(from) } : {}),
    ...(to ? { beforeAt: hospitalInstant(addDays(to, 1)) } : {}),
  };
}

/** The same calendar date `years` earlier (29 February becomes the 28th). */
export function yearsBefore(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const year = y - years;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const day = m === 2 && d === 29 && !leap ? 28 : d;
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
