import { randomBytes } from 'node:crypto';
import { makeNpi } from '../factories/index.js';
import type { Schema } from './routes.js';

export interface SampleContext {
  mrn: string;
  patientId: string;
  practiceId: string;
  userId: string;
  npi: string;
}

const unique = () => randomBytes(5).toString('hex');

/**
 * A plausible valid value for a field, from its name and schema: what a well-behaved client
 * sends. The suites use it to get a request past validation to the code behind it.
 */
export function sampleValue(name: string, schema: Schema | undefined, ctx: SampleContext): unknown {
  const s = schema ?? {};
  if (s.enum?.length) return s.enum[0];
  const lower = name.toLowerCase();
  if (s.type === 'array') {
    if (/npis$/.test(lower)) return [ctx.npi];
    const item = sampleValue(name.replace(/s$/, ''), s.items, ctx);
    return [item];
  }
  if (s.type === 'object' || s.properties) return sampleObject(s, ctx);
  if (s.type === 'boolean') return lower.startsWith('keep') ? true : false;
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1;
  // strings
  if (lower.includes('email')) return `sample-${unique()}@example.test`;
  if (lower === 'mrn') return ctx.mrn;
  if (lower.includes('npi')) return ctx.npi;
  if (lower === 'password' || lower === 'newpassword') return 'Quiet-Harbor-Lantern-93!';
  if (lower === 'patientid') return ctx.patientId;
  if (lower === 'practiceid') return ctx.practiceId;
  if (lower === 'userid') return ctx.userId;
  if (lower === 'dob' || lower === 'asof' || s.format === 'date')
    return typeof s.example === 'string' ? s.example : '2015-06-01';
  if (s.format === 'date-time' || lower.endsWith('at')) return '2026-11-16T10:00:00-05:00';
  if (s.format === 'uuid' || lower.endsWith('id'))
    return typeof s.example === 'string' ? s.example : '00000000-0000-4000-8000-000000000000';
  if (lower === 'phone' || lower === 'fax') return '617-555-0199';
  if (s.example !== undefined) return s.example;
  if (lower === 'code') return '123456';
  return 'Sample text';
}

export function sampleObject(schema: Schema, ctx: SampleContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) out[key] = sampleValue(key, prop, ctx);
  return out;
}

/** A fresh valid NPI for sample bodies that must not collide (registration). */
export const freshNpi = () => makeNpi();
