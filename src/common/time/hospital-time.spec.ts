import { addDays, hospitalDate, hospitalInstant, hospitalOffsetMinutes, isIsoDate } from './hospital-time.js';

describe('hospital time', () => {
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
