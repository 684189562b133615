import { isValidNpi } from './npi.js';

describe('isValidNpi', () => {
  it('accepts a valid NPI', () => expect(isValidNpi('1234567893')).toBe(true));
  it('refuses a wrong check digit, wrong length or non-digits', () => {
    expect(isValidNpi('1234567890')).toBe(false);
    expect(isValidNpi('123456789')).toBe(false);
    expect(isValidNpi('12345678931')).toBe(false);
    expect(isValidNpi('12345a7893')).toBe(false);
    expect(isValidNpi(1234567893)).toBe(false);
  });
});
