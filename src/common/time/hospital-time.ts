/** The hospital's time zone: validation periods, token expiry and business days are reckoned in it. */
export const HOSPITAL_TIME_ZONE = 'America/New_York';

// Built once: constructing an Intl.DateTimeFormat costs far more than formatting with one, and these
// run on every access decision.
const wallClockFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: HOSPITAL_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** The calendar date (YYYY-MM-DD) an instant falls on in hospital time. */
export function hospitalDate(instant: Date): string {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Invalid time value');
  return new Date(ms + hospitalOffsetMinutes(instant) * 60000).toISOString().slice(0, 10);
}

/**
 * Offsets by quarter hour of UTC: a time zone's offset changes only on such a boundary (the tz
 * database has no other), so one Intl call per quarter hour answers every instant in it. These run
 * on every access decision and grant; bounded, oldest dropped first.
 */
const QUARTER_HOUR_MS = 15 * 60000;
const offsetByQuarterHour = new Map<number, number>();
const OFFSETS_REMEMBERED = 4096;

/** Offset of hospital time from UTC at an instant, in minutes (e.g. -300 for EST, -240 for EDT). */
export function hospitalOffsetMinutes(instant: Date): number {
  const slot = Math.floor(instant.getTime() / QUARTER_HOUR_MS);
  const known = offsetByQuarterHour.get(slot);
  if (known !== undefined) return known;
  const offset = offsetFromIntl(new Date(slot * QUARTER_HOUR_MS));
  if (offsetByQuarterHour.size >= OFFSETS_REMEMBERED)
    offsetByQuarterHour.delete(offsetByQuarterHour.keys().next().value!);
  offsetByQuarterHour.set(slot, offset);
  return offset;
}

function offsetFromIntl(instant: Date): number {
  const parts = wallClockFormat.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/** The instant at which a hospital-time wall clock reads `date` `time` (e.g. midnight that day). */
export function hospitalInstant(date: string, time = '00:00:00'): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm, ss] = time.split(':').map(Number);
  const wallAsUtc = Date.UTC(y, m - 1, d, hh, mm, ss ?? 0);
  // Two passes settle the offset across a daylight-saving change.
  let guess = new Date(wallAsUtc - hospitalOffsetMinutes(new Date(wallAsUtc)) * 60000);
  guess = new Date(wallAsUtc - hospitalOffsetMinutes(guess) * 60000);
  return guess;
}

/** Adds calendar days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Day of the week of a YYYY-MM-DD date: 0 = Sunday … 6 = Saturday (a calendar date has no time zone). */
export function dayOfWeek(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** The last instant (…:59.999) of a hospital-time calendar date, whatever its length (23, 24 or 25 hours). */
export function endOfHospitalDay(date: string): Date {
  return new Date(hospitalInstant(addDays(date, 1)).getTime() - 1);
}
