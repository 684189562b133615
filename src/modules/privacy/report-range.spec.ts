import { ValidationProblem } from '../../common/errors/problem.js';
import { hospitalDateRange, yearsBefore } from './report-range.js';

const fields = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationProblem) return e.errors.map((x) => x.field);
    throw e;
  }
  return [];
};

describe('report date ranges (hospital dates, inclusive)', () => {
  it('resolves from/to to hospital midnight and the next hospital midnight', () => {
    expect(hospitalDateRange('2026-11-01', '2026-11-16')).toEqual({
      fromAt: new Date('2026-11-01T04:00:00Z'), // EDT
      beforeAt: new Date('2026-11-17T05:00:00Z'), // EST
    });
    expect(hospitalDateRange(undefined, undefined)).toEqual({});
  });

  it('refuses unreal dates, to before from, and for exports missing bounds or more than 366 days', () => {
    expect(fields(() => hospitalDateRange('2026-02-30', undefined))).toEqual(['from']);
    expect(fields(() => hospitalDateRange('2026-11-02', '2026-11-01'))).toEqual(['to']);
    expect(fields(() => hospitalDateRange(undefined, undefined, { required: true }))).toEqual(['from', 'to']);
    expect(
      fields(() => hospitalDateRange('2024-01-01', '2025-01-01', { required: true, maxDays: 366 })),
    ).toEqual([]);
    expect(
      fields(() => hospitalDateRange('2024-01-01', '2025-01-02', { required: true, maxDays: 366 })),
    ).toEqual(['to']);
  });

  it('six years before a leap day is the 28th', () => {
    expect(yearsBefore('2028-02-29', 6)).toBe('2022-02-28');
    expect(yearsBefore('2026-11-16', 6)).toBe('2020-11-16');
  });
});
