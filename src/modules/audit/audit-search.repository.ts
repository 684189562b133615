import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, one, rows } from '../../database/sql.js';

/** The privacy officer's filters on the trail (API.md v1.1 "Privacy"); instants already resolved from hospital dates. */
export interface AuditEventFilter {
  patientId?: string;
  userId?: string;
  /** Exact action, or a prefix ending in `.` (e.g. `patient.`). */
  action?: string;
  outcome?: string;
  /** Inclusive lower bound. */
  fromAt?: Date;
  /** Exclusive upper bound (the start of the day after `to`). */
  beforeAt?: Date;
}

/** A person as v1.1 responses show them: `{id, name, kind, npi?, practice?}`. */
export interface AuditPerson {
  id: string;
  name: string;
  kind: string;
  npi?: string;
  practice?: { id: string; name: string };
}

export interface AuditEventRecord {
  id: string;
  at: Date;
  /** Null for entries by a system (EHR feed, portal, jobs) or an unknown account. */
  user: AuditPerson | null;
  actorKind: string;
  action: string;
  patientId: string | null;
  basis: string | null;
  outcome: string;
  details: Record<string, unknown>;
  /** Full-precision `at` for keyset cursors. */
  cursorAt: string;
}

interface AuditEventRow {
  id: string;
  at: Date;
  cursor_at: string;
  actor_id: string | null;
  actor_kind: string;
  action: string;
  patient_id: string | null;
  basis: string | null;
  outcome: string;
  details: Record<string, unknown>;
  first_name: string | null;
  last_name: string | null;
  user_kind: string | null;
  npi: string | null;
  practice_id: string | null;
  practice_name: string | null;
}

export type Keyset = readonly [at: string, id: string] | null;

/** Actions that show a record to its viewer: what an accounting of disclosures lists (45 CFR 164.528). */
export const DISCLOSURE_ACTIONS = [
  'patient.view',
  'patient.documents',
  'patient.search',
  'patient.list',
] as const;

const COLUMNS = `e.id::text AS id, e.at, ${cursorAtSql('e.at')} AS cursor_at, e.actor_id, e.actor_kind, e.action, e.patient_id,
       e.basis, e.outcome, e.details, a.first_name, a.last_name, a.kind AS user_kind, a.npi, a.practice_id, a.practice_name`;

function personOf(r: AuditEventRow): AuditPerson | null {
  if (!r.actor_id || r.user_kind === null) return null;
  return {
    id: r.actor_id,
    name: `${r.first_name ?? ''} ${r.last_name ?? ''}`.trim(),
    kind: r.user_kind,
    ...(r.npi ? { npi: r.npi } : {}),
    ...(r.practice_id ? { practice: { id: r.practice_id, name: r.practice_name ?? '' } } : {}),
  };
}

function toRecord(r: AuditEventRow): AuditEventRecord {
  return {
    id: r.id,
    at: r.at,
    user: personOf(r),
    actorKind: r.actor_kind,
    action: r.action,
    patientId: r.patient_id,
    basis: r.basis,
    outcome: r.outcome,
    details: r.details,
    cursorAt: r.cursor_at,
  };
}

/** WHERE clauses of a filter, appending their parameters to `params`. */
function filterSql(filter: AuditEventFilter, params: unknown[]): string[] {
  const clauses: string[] = [];
  const add = (value: unknown, sql: (p: string) => string) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (filter.patientId) add(filter.patientId, (p) => `e.patient_id = ${p}::uuid`);
  if (filter.userId) add(filter.userId, (p) => `e.actor_id = ${p}::uuid`);
  if (filter.action) {
    if (filter.action.endsWith('.')) add(filter.action, (p) => `starts_with(e.action, ${p})`);
    else add(filter.action, (p) => `e.action = ${p}`);
  }
  if (filter.outcome) add(filter.outcome, (p) => `e.outcome = ${p}`);
  if (filter.fromAt) add(filter.fromAt, (p) => `e.at >= ${p}`);
  if (filter.beforeAt) add(filter.beforeAt, (p) => `e.at < ${p}`);
  return clauses;
}

function keysetSql(after: Keyset, direction: 'asc' | 'desc', params: unknown[]): string[] {
  if (!after) return [];
  params.push(after[0], after[1]);
  const n = params.length;
  return [`(e.at, e.id) ${direction === 'desc' ? '<' : '>'} ($${n - 1}::timestamptz, $${n}::bigint)`];
}

/**
 * Reads of `audit_events` for the privacy officer: search with filters, export batches, a
 * patient's disclosures and the access log, and the counts the anomaly rules need. Read-only:
 * writing stays in `AuditEventsRepository`. Accounts are read through `account_directory`.
 * Ordered by `(at, id)`, the keyset of `idx_audit_events_at_id` (and of the patient/actor indexes).
 */
@Injectable()
export class AuditSearchRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One page (or export batch) of entries matching `filter`, `limit` rows after the keyset
   * `after`: newest first for pages, oldest first for exports.
   */
  async find(
    filter: AuditEventFilter,
    after: Keyset,
    limit: number,
    direction: 'asc' | 'desc',
    manager?: EntityManager,
  ): Promise<AuditEventRecord[]> {
    const params: unknown[] = [];
    const where = [...filterSql(filter, params), ...keysetSql(after, direction, params)];
    const found = await rows<AuditEventRow>(
      on(this.dataSource, manager),
      `SELECT ${COLUMNS}
         FROM audit_events e
         LEFT JOIN account_directory a ON a.id = e.actor_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY e.at ${direction}, e.id ${direction}
        LIMIT ${Math.trunc(limit)}`,
      params,
    );
    return found.map(toRecord);
  }

  /**
   * Successful reads of one record by non-staff users (views, document lists, granted search
   * matches, `/me/patients` listings) in `[fromAt, beforeAt)`, newest first; `limit` rows.
   */
  async disclosures(
    patientId: string,
    range: { fromAt: Date; beforeAt: Date },
    after: Keyset,
    limit: number,
    manager?: EntityManager,
  ): Promise<AuditEventRecord[]> {
    const params: unknown[] = [patientId, range.fromAt, range.beforeAt, [...DISCLOSURE_ACTIONS]];
    const where = keysetSql(after, 'desc', params);
    const found = await rows<AuditEventRow>(
      on(this.dataSource, manager),
      `SELECT ${COLUMNS}
         FROM audit_events e
         LEFT JOIN account_directory a ON a.id = e.actor_id
        WHERE e.patient_id = $1 AND e.at >= $2 AND e.at < $3 AND e.action = ANY($4::text[])
          AND e.outcome = 'success' AND e.actor_kind IN ('provider', 'sponsored')
          ${where.map((w) => `AND ${w}`).join(' ')}
        ORDER BY e.at DESC, e.id DESC
        LIMIT ${Math.trunc(limit)}`,
      params,
    );
    return found.map(toRecord);
  }

  /** Entries by signed-in users about one patient, newest first (the access log); `limit` rows. */
  async accessLog(
    patientId: string,
    after: Keyset,
    limit: number,
    manager?: EntityManager,
  ): Promise<AuditEventRecord[]> {
    const params: unknown[] = [patientId];
    const where = keysetSql(after, 'desc', params);
    const found = await rows<AuditEventRow>(
      on(this.dataSource, manager),
      `SELECT ${COLUMNS}
         FROM audit_events e
         JOIN account_directory a ON a.id = e.actor_id
        WHERE e.patient_id = $1 ${where.map((w) => `AND ${w}`).join(' ')}
        ORDER BY e.at DESC, e.id DESC
        LIMIT ${Math.trunc(limit)}`,
      params,
    );
    return found.map(toRecord);
  }

  /** How many `not_authorized` search matches one account had since `since`, counting at most `cap`. */
  async deniedSearchMatches(
    actorId: string,
    since: Date,
    cap: number,
    manager?: EntityManager,
  ): Promise<number> {
    const found = await one<{ n: number }>(
      on(this.dataSource, manager),
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM audit_events e
          WHERE e.actor_id = $1 AND e.at > $2 AND e.action = 'patient.search' AND e.outcome = 'denied'
          LIMIT $3) m`,
      [actorId, since, cap],
    );
    return found?.n ?? 0;
  }

  /** The newest registration approval by this staff member since `since` of an account whose email is `email`. */
  async approvalOf(
    staffId: string,
    email: string,
    since: Date,
    manager?: EntityManager,
  ): Promise<{ id: string; userId: string } | undefined> {
    return one<{ id: string; userId: string }>(
      on(this.dataSource, manager),
      `SELECT e.id::text AS id, a.id AS "userId"
         FROM audit_events e
         JOIN account_directory a
           ON a.id = CASE WHEN e.details->>'userId' ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' THEN (e.details->>'userId')::uuid END
        WHERE e.actor_id = $1 AND e.at >= $2 AND e.action = 'staff.approve' AND e.outcome = 'success'
          AND lower(a.email) = lower($3)
        ORDER BY e.at DESC, e.id DESC
        LIMIT 1`,
      [staffId, since, email],
    );
  }

  /** The newest invitation this staff member issued to `email` since `since`. */
  async invitationTo(
    staffId: string,
    email: string,
    since: Date,
    manager?: EntityManager,
  ): Promise<{ id: string; invitationId: string } | undefined> {
    return one<{ id: string; invitationId: string }>(
      on(this.dataSource, manager),
      `SELECT e.id::text AS id, e.details->>'invitationId' AS "invitationId"
         FROM audit_events e
        WHERE e.actor_id = $1 AND e.at >= $2 AND e.action = 'invitation.issue' AND e.outcome = 'success'
          AND lower(e.details->>'recipientEmail') = lower($3)
        ORDER BY e.at DESC, e.id DESC
        LIMIT 1`,
      [staffId, since, email],
    );
  }
}
