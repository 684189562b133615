import { registerDecorator, type ValidationOptions } from 'class-validator';

/** Luhn sum of `80840` + the digits (the NPI standard's prefix for the health-industry issuer). */
function luhnSum(digits: string, doubleFirst: boolean): number {
  const all = `80840${digits}`.split('').map(Number);
  let sum = 0;
  for (let i = all.length - 1, double = doubleFirst; i >= 0; i--, double = !double) {
    let d = all[i];
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** An NPI: 10 digits whose last is the Luhn check digit computed with the `80840` prefix. */
export function isValidNpi(value: unknown): value is string {
  return typeof value === 'string' && /^\d{10}$/.test(value) && luhnSum(value, false) % 10 === 0;
}

/** Completes nine digits with their check digit (demo data, tests, benchmarks). */
export function npiFromNineDigits(nine: string): string {
  if (!/^\d{9}$/.test(nine)) throw new Error('an NPI base is nine digits');
  return `${nine}${(10 - (luhnSum(nine, true) % 10)) % 10}`;
}

export function IsNpi(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isNpi',
      target: object.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be a valid NPI (10 digits with a correct check digit)`,
        ...options,
      },
      validator: { validate: (value: unknown) => isValidNpi(value) },
    });
}
