import { asOfProblem } from './as-of.policy.js';

describe('asOfProblem', () => {
  const today = '2026-11-16';

  it('accepts today and past dates', () => {
    expect(asOfProblem('2026-11-16', today, false)).toBeNull();
    expect(asOfProblem('2026-01-01', today, false)).toBeNull();
  });

  it('refuses a date after today unless future dates are allowed', () => {
    expect(asOfProblem('2026-11-17', today, false)?.message).toMatch(/not be after today \(2026-11-16\)/);
    expect(asOfProblem('2199-12-31', today, false)).not.toBeNull();
    expect(asOfProblem('2026-11-17', today, true)).toBeNull();
  });

  it.each(['2026-02-30', '9999-12-31', '1999-12-31', 'x', ''])('refuses %s whatever the setting', (asOf) => {
    expect(asOfProblem(asOf, today, true)).not.toBeNull();
  });
});
