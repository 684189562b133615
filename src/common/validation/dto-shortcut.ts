/**
 * Shortcuts past class-transformer and class-validator for the hot routes' small DTOs.
 *
 * The global pipe (common/errors/validation.ts) spends ~10–16 µs of CPU on every request whose
 * input is a DTO, far more under load (5–6% of the app's busy time in the search profile:
 * `plainToInstance`, class-validator's metadata lookup over every DTO class, its executor, and the
 * pipe's three walks over the value) — for a query of one short string. A shortcut reads the one
 * common shape: a plain object whose every key is a field of the DTO and whose every value is
 * well-formed text, each value read by the field's reader. It gives the very instance the full pipe
 * would give (same class, same fields), or `undefined` whenever it is not sure, and then the full
 * pipe decides as before — every refusal, error message and edge case stays the full pipe's.
 *
 * So a reader must be **stricter** than the DTO's decorators: it may refuse (UNSURE) a value the
 * DTO accepts, never accept one the DTO refuses, and returns the value as the DTO's @Transform
 * would leave it. `dto-shortcut.spec.ts` checks each registered DTO against the full pipe on
 * generated input.
 */

/** A reader's answer when the full pipe must decide. */
export const UNSURE: unique symbol = Symbol('unsure');

/** One field: the field's value as the full pipe would leave it (after its @Transform), or UNSURE. */
export type FieldReader = (text: string) => unknown;

type DtoClass = new () => object;

interface Shortcut {
  readers: Record<string, FieldReader>;
  /** Fields without @IsOptional(): the full pipe refuses the input without them. */
  required: readonly string[];
}

const SHORTCUTS = new WeakMap<DtoClass, Shortcut>();

/** Keys every object answers to (`constructor`, `__proto__`, `toString`…): never a shortcut's field. */
const isPrototypeKey = (key: string) => key === 'prototype' || key in Object.prototype;

/**
 * Registers the shortcut of `dto` (next to its class). Every key of `fields` must be a field of the
 * DTO; `required` names the fields the DTO does not mark @IsOptional() (all must be present).
 */
export function dtoShortcut<T extends object>(
  dto: new () => T,
  fields: { [K in keyof T & string]?: FieldReader },
  required: ReadonlyArray<keyof T & string> = [],
): void {
  const readers: Record<string, FieldReader> = Object.create(null) as Record<string, FieldReader>;
  for (const [key, reader] of Object.entries(fields)) {
    if (isPrototypeKey(key)) throw new Error(`${dto.name}: '${key}' cannot be a shortcut field`);
    readers[key] = reader as FieldReader;
  }
  const missing = required.filter((key) => !(key in readers));
  if (missing.length) throw new Error(`${dto.name}: required fields without a reader: ${missing.join(', ')}`);
  SHORTCUTS.set(dto, { readers, required });
}

/** A lone UTF-16 surrogate: text no client can mean, and which some validators throw on (URIError). */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text a DTO can take as it is: well-formed Unicode (no lone surrogate) and no NUL, as the pipe requires. */
const plainText = (text: string) => !LONE_SURROGATE.test(text) && !text.includes('\u0000');

/**
 * A record of fields and nothing else: an object literal, an object without a prototype, or one whose
 * prototype is itself an empty object without one — the shape Fastify's query parser (fast-querystring)
 * gives every `?mrn=…`, so the query DTOs' shortcuts depend on it.
 */
function isPlainRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) return true;
  return Object.getPrototypeOf(proto) === null && Reflect.ownKeys(proto).length === 0;
}

/**
 * The DTO instance for `value` when `metatype` has a shortcut and `value` has the shape it reads;
 * `undefined` otherwise (the full pipe then runs).
 */
export function readByShortcut(metatype: unknown, value: unknown): object | undefined {
  const shortcut = typeof metatype === 'function' ? SHORTCUTS.get(metatype as DtoClass) : undefined;
  if (!shortcut || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (!isPlainRecord(value)) return undefined;
  for (const key of shortcut.required) if (!Object.hasOwn(value, key)) return undefined;
  const instance = new (metatype as DtoClass)() as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    const reader = shortcut.readers[key];
    const text = (value as Record<string, unknown>)[key];
    if (!reader || typeof text !== 'string' || !plainText(text)) return undefined;
    const read = reader(text);
    if (read === UNSURE) return undefined;
    instance[key] = read;
  }
  return instance;
}

/** A reader for `@IsString() @MaxLength(max)` text (optional or not): its UTF-16 length, at most `max`. */
export const textUpTo =
  (max: number): FieldReader =>
  (text) =>
    text.length <= max ? text : UNSURE;

/**
 * A reader for `@IsString() @Transform(trim) @MinLength(min) @MaxLength(max)`: printable ASCII only
 * (validator.js counts a surrogate pair or a variation selector as less than its UTF-16 length, so
 * only there are the lengths the same), trimmed, then its length within the bounds.
 */
export const trimmedAscii =
  (min: number, max: number): FieldReader =>
  (text) => {
    if (!/^[\x20-\x7e]*$/.test(text)) return UNSURE;
    const trimmed = text.trim();
    return trimmed.length >= min && trimmed.length <= max ? trimmed : UNSURE;
  };

/** A reader for `@Matches(pattern)` text. */
export const matching =
  (pattern: RegExp): FieldReader =>
  (text) =>
    pattern.test(text) ? text : UNSURE;

/** A reader for `@IsIn(values)` text. */
export const oneOf =
  (values: readonly string[]): FieldReader =>
  (text) =>
    values.includes(text) ? text : UNSURE;
