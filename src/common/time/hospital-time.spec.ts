import fc from 'fast-check';
import { addDays, hospitalDate, hospitalInstant, hospitalOffsetMinutes, isIsoDate } from './hospital-time.js';

describe('hospital time', () => {
  // What the remembered offsets must agree with: Intl asked about the very instant.
  const intlDate = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/New_York',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const intlOffset = (instant: Date) => {
    const wall = new Date(instant.toLocaleString('en-US', { timeZone: 'America/New_York' }) + ' UTC');
    return Math.round((wall.getTime() - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
  };

  it('agrees with Intl at every instant, either side of each daylight-saving change', () => {
    const changes = ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2027-03-14T07:00:00Z'].map((t) =>
      Date.parse(t),
    );
    for (const change of changes) {
      for (const delta of [-3_600_001, -60_000, -1, 0, 1, 60_000, 899_999, 900_000, 3_600_000]) {
        const instant = new Date(change + delta);
        expect([hospitalOffsetMinutes(instant), hospitalDate(instant)]).toEqual([
          intlOffset(instant),
          intlDate.format(instant),
        ]);
      }
    }
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2040-01-01') }), (ms) => {
        const instant = new Date(ms);
        return (
          hospitalOffsetMinutes(instant) === intlOffset(instant) &&
          hospitalDate(instant) === intlDate.format(instant)
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an invalid date as Intl does', () => {
    expect(() => hospitalDate(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('reads the hospital calendar date, not the UTC one', () => {
    expect(hospitalDate(new Date('2026-04-01T03:30:00Z'))).toBe('2026-03-31');
    expect(hospitalDate(new Date('2026-04-01T04:30:00Z'))).toBe('2026-04-01');
  });

  it('knows standard and daylight time', () => {
    expect(hospitalOffsetMinutes(new Date('2026-01-15T12:00:00Z'))).toBe(-300);
    expect(hospitalOffsetMinutes(new Date('2026-07-15T12:00:00Z'))).toBe(-240);
  });

  it('finds hospital midnight on both sides of a daylight-saving change', () => {
    expect(hospitalInstant('2026-03-08').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(hospitalInstant('2026-03-09').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(hospitalInstant('2026-11-01').toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(hospitalInstant('2026-11-02').toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-04-01', 30)).toBe('2026-05-01');
  });

  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-2-3')).toBe(false);
  });
});
