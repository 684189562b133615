import { addCalendarMonths, grantPeriod, lastGrantDay } from './grant-expiry.js';

describe('grant period (ACCESS_GRANT_MONTHS calendar months, hospital time, end of day)', () => {
  it('adds calendar months and clamps to the end of shorter months (leap years too)', () => {
    expect(addCalendarMonths('2026-11-16', 12)).toBe('2027-11-16');
    expect(addCalendarMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addCalendarMonths('2027-02-28', 12)).toBe('2028-02-28');
    expect(addCalendarMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addCalendarMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addCalendarMonths('2026-12-15', 1)).toBe('2027-01-15');
  });

  it('ends at hospital midnight after the last day, whatever the DST offset on either date', () => {
    // 2026-11-16 10:00 EST; + 12 months → through 2027-11-16, ends 2027-11-17 00:00 EST (05:00Z).
    expect(grantPeriod(new Date('2026-11-16T15:00:00Z'), 12)).toEqual({
      validThrough: '2027-11-16',
      expiresAt: new Date('2027-11-17T05:00:00.000Z'),
    });
    // Late evening hospital time is still the same hospital day (UTC already the next day).
    expect(grantPeriod(new Date('2026-11-17T04:30:00Z'), 6).validThrough).toBe('2027-05-16');
    // Ends in summer time: midnight EDT is 04:00Z.
    expect(grantPeriod(new Date('2026-11-16T15:00:00Z'), 6).expiresAt).toEqual(
      new Date('2027-05-17T04:00:00.000Z'),
    );
    expect(lastGrantDay(new Date('2027-05-17T04:00:00.000Z'))).toBe('2027-05-16');
  });
});
