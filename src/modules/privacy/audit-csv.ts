import type { AuditEventRecord } from '../audit/index.js';

/** Columns of the audit CSV export, in order. */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'userId',
  'userName',
  'userKind',
  'userNpi',
  'userPracticeId',
  'userPractice',
  'actorKind',
  'action',
  'patientId',
  'basis',
  'outcome',
  'details',
] as const;

/** A spreadsheet would run a cell starting with these as a formula (CSV injection, OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): a value a spreadsheet would read as a formula gets a leading `'`;
 * a value with a quote, comma or line break is quoted, quotes doubled.
 */
export function csvCell(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const line = (cells: Array<string | null | undefined>) => `${cells.map(csvCell).join(',')}\r\n`;

export const auditCsvHeader = (): string => line([...AUDIT_CSV_COLUMNS]);

/** One entry as a CSV line; `details` as JSON. */
export function auditCsvLine(e: AuditEventRecord): string {
  return line([
    e.id,
    new Date(e.at).toISOString(),
    e.user?.id ?? null,
    e.user?.name ?? null,
    e.user?.kind ?? null,
    e.user?.npi ?? null,
    e.user?.practice?.id ?? null,
    e.user?.practice?.name ?? null,
    e.actorKind,
    e.action,
    e.patientId,
    e.basis,
    e.outcome,
    JSON.stringify(e.details ?? {}),
  ]);
}
