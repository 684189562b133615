/**
 * NPI check: 10 digits whose last digit is the Luhn check digit computed over the
 * `80840` prefix followed by the first nine digits (CMS NPI standard). `1234567893` is valid.
 */
export function isValidNpi(npi: unknown): npi is string {
  if (typeof npi !== 'string' || !/^\d{10}$/.test(npi)) return false;
  const digits = `80840${npi}`.split('').map(Number);
  let sum = 0;
  // Luhn over the full 15 digits: double every second digit from the right (excluding the check digit).
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits[i];
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
