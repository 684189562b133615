import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationProblem } from './problem.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({ field, message: message.replace(/^property (\S+) should not exist$/, 'is not allowed') });
    }
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}

/** Whitelisting, unknown fields refused, and every failure as a `validation_failed` problem. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new ValidationProblem(flatten(errors)),
  });
}
