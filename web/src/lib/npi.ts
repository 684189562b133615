/**
 * NPI check digit (Luhn over the 9 first digits with the `80840` prefix, SPEC §1):
 * `1234567893` is valid. Returns a message for the field, or null when the value is valid.
 */
export function npiProblem(value: string): string | null {
  if (value === '') return 'Enter your 10-digit NPI.';
  if (!/^\d*$/.test(value)) return 'An NPI has digits only.';
  if (value.length < 10) return `An NPI has 10 digits (${value.length} so far).`;
  if (value.length > 10) return 'An NPI has 10 digits.';
  return isValidNpi(value) ? null : 'This NPI’s check digit does not match: check the digits.';
}

export function isValidNpi(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  const digits = `80840${npi.slice(0, 9)}`;
  let sum = 0;
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = Number(digits[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  const check = (10 - (sum % 10)) % 10;
  return check === Number(npi[9]);
}
