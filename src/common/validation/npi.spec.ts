import { isValidNpi, npiFromNineDigits } from './npi.js';

describe('isValidNpi', () => {
  it('accepts the CMS example 1234567893', () => {
    expect(isValidNpi('1234567893')).toBe(true);
  });
  it('refuses a wrong check digit', () => {
    for (const d of '012456789') expect(isValidNpi(`123456789${d}`)).toBe(false);
  });
  it('refuses wrong lengths and non-digits', () => {
    expect(isValidNpi('123456789')).toBe(false);
    expect(isValidNpi('12345678930')).toBe(false);
    expect(isValidNpi('12345678a3')).toBe(false);
    expect(isValidNpi(1234567893)).toBe(false);
  });
});

describe('npiFromNineDigits', () => {
  it('completes the CMS example', () => expect(npiFromNineDigits('123456789')).toBe('1234567893'));
  it('always yields a valid NPI', () => {
    for (let n = 100000000; n < 100000000 + 5000; n += 7)
      expect(isValidNpi(npiFromNineDigits(String(n)))).toBe(true);
  });
});
