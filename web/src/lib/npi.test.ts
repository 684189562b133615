import { describe, expect, it } from 'vitest';
import { isValidNpi, npiProblem } from './npi';

describe('NPI check digit', () => {
  it('accepts the specification’s example and rejects a changed digit', () => {
    expect(isValidNpi('1234567893')).toBe(true);
    expect(isValidNpi('1234567890')).toBe(false);
    expect(isValidNpi('1234567839')).toBe(false);
  });
  it('explains what is wrong while typing', () => {
    expect(npiProblem('')).toMatch(/10-digit/);
    expect(npiProblem('12345')).toMatch(/5 so far/);
    expect(npiProblem('12a')).toMatch(/digits only/);
    expect(npiProblem('1234567890')).toMatch(/check digit/);
    expect(npiProblem('1234567893')).toBeNull();
  });
});
