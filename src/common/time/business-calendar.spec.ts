import { BusinessCalendar, FEDERAL_HOLIDAYS } from './business-calendar.js';
import { addDays, dayOfWeek, endOfHospitalDay } from './hospital-time.js';

const calendar = (hospitalClosures: string[] = []) => new BusinessCalendar({ hospitalClosures });

describe('BusinessCalendar', () => {
  const cal = calendar();

  it('has exactly the 11 federal holidays of 2026 on their observed weekdays', () => {
    const weekdayHolidays = [...cal.federalHolidays(2026).keys()]
      .filter((d) => ![0, 6].includes(dayOfWeek(d)))
      .sort();
    expect(weekdayHolidays).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03', // July 4 is a Saturday: observed Friday
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it('finds every federal holiday once a year and its observed weekday, 2021-2045', () => {
    for (let year = 2021; year <= 2045; year++) {
      const actual = [...cal.federalHolidays(year)].filter(([, name]) => !name.includes('substitute'));
      expect(actual.map(([, name]) => name).sort()).toEqual([...FEDERAL_HOLIDAYS].sort());
      for (const [date] of actual) {
        expect(cal.isBusinessDay(date)).toBe(false);
        const dow = dayOfWeek(date);
        // Saturday → preceding Friday, Sunday → following Monday (5 U.S.C. 6103(b), EO 11582).
        if (dow === 6)
          expect(cal.nonBusinessReason(addDays(date, -1))).toMatchObject({ reason: 'federal_holiday' });
        if (dow === 0)
          expect(cal.nonBusinessReason(addDays(date, 1))).toMatchObject({ reason: 'federal_holiday' });
      }
    }
  });

  it('knows the observed dates the library marks differently or in the previous year', () => {
    expect(cal.nonBusinessReason('2023-11-10')).toMatchObject({ reason: 'federal_holiday' }); // Veterans Day (Sat) → Fri
    expect(cal.nonBusinessReason('2021-12-31')).toMatchObject({ reason: 'federal_holiday' }); // New Year 2022 (Sat) → Fri
    expect(cal.nonBusinessReason('2022-12-26')).toMatchObject({ reason: 'federal_holiday' }); // Christmas (Sun) → Mon
    expect(cal.nonBusinessReason('2027-06-18')).toMatchObject({ reason: 'federal_holiday' }); // Juneteenth (Sat) → Fri
    expect(cal.nonBusinessReason('2022-06-20')).toMatchObject({ reason: 'federal_holiday' }); // Juneteenth (Sun) → Mon
    expect(cal.nonBusinessReason('2021-06-18')).toMatchObject({ reason: 'federal_holiday' }); // first Juneteenth, observed Fri
  });

  it('counts observances and non-federal days as business days', () => {
    expect(cal.isBusinessDay('2026-12-24')).toBe(true); // Christmas Eve
    expect(cal.isBusinessDay('2026-11-27')).toBe(true); // day after Thanksgiving
    expect(cal.isBusinessDay('2026-04-06')).toBe(true); // Easter Monday
    expect(cal.isBusinessDay('2026-04-15')).toBe(true); // Tax Day
    expect(cal.isBusinessDay('2020-06-19')).toBe(true); // Juneteenth before it became federal (2021)
  });

  it('skips weekends', () => {
    expect(cal.nonBusinessReason('2026-03-07')).toEqual({ date: '2026-03-07', reason: 'weekend' });
    expect(cal.isBusinessDay('2026-03-08')).toBe(false);
    expect(cal.isBusinessDay('2026-03-09')).toBe(true);
  });

  it('adds three business days over Independence Day observed on Friday', () => {
    // Wed 2026-07-01 10:00 EDT → Thu 2, (Fri 3 holiday), Mon 6, Tue 7; due at the end of Tuesday, EDT.
    expect(cal.addBusinessDays(new Date('2026-07-01T14:00:00Z'), 3).toISOString()).toBe(
      '2026-07-08T03:59:59.999Z',
    );
  });

  it('adds business days over Thanksgiving, Christmas on Sunday and New Year observed in December', () => {
    expect(cal.addBusinessDaysToDate(new Date('2026-11-25T15:00:00Z'), 3)).toBe('2026-12-01');
    expect(cal.addBusinessDaysToDate(new Date('2022-12-22T15:00:00Z'), 3)).toBe('2022-12-28');
    expect(cal.addBusinessDaysToDate(new Date('2021-12-29T15:00:00Z'), 3)).toBe('2022-01-04');
    expect(cal.addBusinessDaysToDate(new Date('2026-06-18T15:00:00Z'), 1)).toBe('2026-06-22'); // Juneteenth Fri
  });

  it('reckons the arrival date in hospital time, not UTC', () => {
    // Fri 2026-03-06 23:30 EST is already Saturday in UTC; it still arrived on Friday.
    const late = new Date('2026-03-07T04:30:00Z');
    expect(cal.addBusinessDaysToDate(late, 1)).toBe('2026-03-09');
    // 04:30Z on Mon 2026-03-09 is 00:30 EDT Monday; 03:30Z is still Sunday 23:30 EDT.
    expect(cal.addBusinessDaysToDate(new Date('2026-03-09T04:30:00Z'), 1)).toBe('2026-03-10');
    expect(cal.addBusinessDaysToDate(new Date('2026-03-09T03:30:00Z'), 1)).toBe('2026-03-09'); // Sun 23:30 EDT
  });

  it('ends the due day in the right offset across daylight-saving changes', () => {
    // Spring forward Sun 2026-03-08: Fri 6 EST → Mon 9, Tue 10, Wed 11, due 23:59:59.999 EDT.
    expect(cal.addBusinessDays(new Date('2026-03-06T15:00:00Z'), 3).toISOString()).toBe(
      '2026-03-12T03:59:59.999Z',
    );
    // Fall back Sun 2026-11-01: Thu Oct 29 EDT → Fri 30, Mon 2, Tue 3, due 23:59:59.999 EST.
    expect(cal.addBusinessDays(new Date('2026-10-29T15:00:00Z'), 3).toISOString()).toBe(
      '2026-11-04T04:59:59.999Z',
    );
    // The 23- and 25-hour days themselves end at the right instant.
    expect(endOfHospitalDay('2026-03-08').toISOString()).toBe('2026-03-09T03:59:59.999Z');
    expect(endOfHospitalDay('2026-11-01').toISOString()).toBe('2026-11-02T04:59:59.999Z');
  });

  it('does not count the arrival day, whatever the hour, and treats weekend arrivals like Friday ones', () => {
    const friday = cal.addBusinessDaysToDate(new Date('2026-05-08T12:00:00Z'), 3);
    const saturday = cal.addBusinessDaysToDate(new Date('2026-05-09T12:00:00Z'), 3);
    const sunday = cal.addBusinessDaysToDate(new Date('2026-05-10T23:00:00Z'), 3);
    expect([friday, saturday, sunday]).toEqual(['2026-05-13', '2026-05-13', '2026-05-13']);
    expect(cal.addBusinessDaysToDate(new Date('2026-05-11T04:00:01Z'), 3)).toBe('2026-05-14');
    expect(cal.addBusinessDaysToDate(new Date('2026-05-12T03:59:59Z'), 3)).toBe('2026-05-14');
  });

  it('with zero days is due the same business day, or the next one', () => {
    expect(cal.addBusinessDaysToDate(new Date('2026-05-08T12:00:00Z'), 0)).toBe('2026-05-08');
    expect(cal.addBusinessDaysToDate(new Date('2026-05-09T12:00:00Z'), 0)).toBe('2026-05-11');
  });

  it('skips hospital closure dates from configuration', () => {
    const closed = calendar(['2026-03-10', '2026-12-24']);
    expect(closed.nonBusinessReason('2026-03-10')).toEqual({
      date: '2026-03-10',
      reason: 'hospital_closure',
    });
    expect(closed.isBusinessDay('2026-12-24')).toBe(false);
    expect(closed.addBusinessDaysToDate(new Date('2026-03-06T15:00:00Z'), 3)).toBe('2026-03-12');
    expect(cal.addBusinessDaysToDate(new Date('2026-03-06T15:00:00Z'), 3)).toBe('2026-03-11');
  });

  it('counts business days between dates', () => {
    expect(cal.businessDaysBetween('2026-07-01', '2026-07-07')).toBe(3);
    expect(cal.businessDaysBetween('2026-07-07', '2026-07-01')).toBe(0);
  });

  it('refuses bad input', () => {
    expect(() => cal.isBusinessDay('2026-02-30')).toThrow(RangeError);
    expect(() => cal.addBusinessDays(new Date('2026-01-05T12:00:00Z'), -1)).toThrow(RangeError);
    expect(() => cal.addBusinessDays(new Date('2026-01-05T12:00:00Z'), 1.5)).toThrow(RangeError);
    expect(() => calendar(['2026-13-01'])).toThrow(RangeError);
  });
});
