import { type ArgumentMetadata, HttpException, ValidationError, ValidationPipe } from '@nestjs/common';
import { LONE_SURROGATE, readByShortcut } from '../validation/dto-shortcut.js';
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

/** The path of the first string (value or key) in `value` that matches `bad`. */
function findText(
  value: unknown,
  path: string,
  bad: (text: string) => boolean,
  depth = 0,
): string | undefined {
  if (typeof value === 'string') return bad(value) ? path : undefined;
  if (!value || typeof value !== 'object' || depth > 32) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (bad(key)) return childPath;
    const found = findText(child, childPath, bad, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The path of the first string (value or key) in `value` that is not well-formed Unicode. */
export function illFormedText(value: unknown, path: string): string | undefined {
  return findText(value, path, (text) => LONE_SURROGATE.test(text));
}

/** The path of the first string (value or key) holding a NUL: PostgreSQL text cannot store it (the value would fail in SQL). */
export function nulText(value: unknown, path: string): string | undefined {
  return findText(value, path, (text) => text.includes('\u0000'));
}

/**
 * Keys that name a member of every object (`__proto__`, `constructor`, `valueOf`, `toString`…) or
 * `prototype`: class-transformer drops some unseen and the whitelist takes the others for known
 * properties, so neither refuses them as the unknown fields they are.
 */
const isPrototypeKey = (key: string) => key === 'prototype' || key in Object.prototype;

/** The path of the first own key at any depth of `value` that is a prototype key (see `isPrototypeKey`). */
export function prototypeKey(value: unknown, path: string, depth = 0): string | undefined {
  if (!value || typeof value !== 'object' || depth > 32) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (isPrototypeKey(key)) return childPath;
    const found = prototypeKey(child, childPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * The global pipe. Before class-validator sees a value, text that is not well-formed Unicode is
 * refused (validator.js's isEmail and friends throw on it), so is text with a NUL (PostgreSQL cannot
 * store it) and a prototype key (`__proto__`, `constructor`, `valueOf`…); anything a validator still throws is
 * the client's bad input, answered as `validation_failed`, never as a 500.
 */
class ProblemValidationPipe extends ValidationPipe {
  constructor(
    options: ConstructorParameters<typeof ValidationPipe>[0],
    private readonly shortcuts: boolean,
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return value;
    // The hot routes' plainly valid input, read straight into its DTO (common/validation/dto-shortcut.ts).
    const read = this.shortcuts ? readByShortcut(metadata.metatype, value) : undefined;
    if (read !== undefined) return read;
    const root = metadata.type === 'body' ? '' : (metadata.data ?? metadata.type);
    const field = illFormedText(value, root);
    if (field !== undefined)
      throw new ValidationProblem([
        { field: field || metadata.type, message: 'must be well-formed Unicode text' },
      ]);
    const nul = nulText(value, root);
    if (nul !== undefined)
      throw new ValidationProblem([
        { field: nul || metadata.type, message: 'must not contain NUL characters' },
      ]);
    // Unknown fields are refused (forbidNonWhitelisted); these too, which class-transformer would drop unseen.
    const protoKey = prototypeKey(value, root);
    if (protoKey !== undefined) throw new ValidationProblem([{ field: protoKey, message: 'is not allowed' }]);
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof HttpException) throw error;
      throw new ValidationProblem([{ field: metadata.data ?? metadata.type, message: 'is not valid' }]);
    }
  }
}

/**
 * Whitelisting, unknown fields refused, and every failure as a `validation_failed` problem.
 * `shortcuts: false` is the pipe without the DTO shortcuts (their test compares the two).
 */
export function createValidationPipe({ shortcuts = true }: { shortcuts?: boolean } = {}): ValidationPipe {
  return new ProblemValidationPipe(
    {
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      exceptionFactory: (errors) => new ValidationProblem(flatten(errors)),
    },
    shortcuts,
  );
}
