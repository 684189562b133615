import { registerDecorator, type ValidationOptions } from 'class-validator';

/** An NPI: 10 digits whose last is the Luhn check digit computed with the `80840` prefix. */
export function isValidNpi(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{10}$/.test(value)) return false;
  const digits = `80840${value}`.split('').map(Number);
  let sum = 0;
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
