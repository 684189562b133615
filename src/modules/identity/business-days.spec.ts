import { businessDaysDue } from './business-days.js';

describe('businessDaysDue', () => {
  it('counts two weekdays ahead', () => {
    // Monday 2026-11-16 10:00 EST → Wednesday 2026-11-18 end of day.
    expect(businessDaysDue(new Date('2026-11-16T15:00:00Z'), 2, []).toISOString()).toBe('2026-11-19T04:59:59.000Z');
  });
  it('skips weekends and Thanksgiving', () => {
    // Wednesday 2026-11-25 → Thu 26 Thanksgiving, Sat/Sun → Fri 27 (1), Mon 30 (2).
    expect(businessDaysDue(new Date('2026-11-25T15:00:00Z'), 2, []).toISOString()).toBe('2026-12-01T04:59:59.000Z');
  });
  it('skips configured hospital closures', () => {
    expect(businessDaysDue(new Date('2026-11-16T15:00:00Z'), 2, ['2026-11-17']).toISOString()).toBe('2026-11-20T04:59:59.000Z');
  });
});
