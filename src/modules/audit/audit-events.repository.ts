import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { affected, on, rows } from '../../database/sql.js';

export interface NewAuditEvent {
  actorId: string | null;
  actorKind: string;
  action: string;
  patientId: string | null;
  basis: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

export interface AccessLogRow {
  id: string;
  at: Date;
  userId: string;
  userName: string;
  userKind: string;
  action: string;
  basis: string | null;
  outcome: string;
  cursorAt: string;
}

/**
 * All SQL of `audit_events` (append-only). An entry is a plain INSERT in the caller's transaction;
 * `audit_next_id()` takes the transaction id before the sequence value, which the sealer's horizon
 * rule relies on (docs/audit.md). Sealing happens later, off the request path (AuditSealer).
 */
@Injectable()
export class AuditEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(event: NewAuditEvent, at: Date, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `INSERT INTO audit_events (id, at, actor_id, actor_kind, action, patient_id, basis, outcome, details)
       VALUES (audit_next_id(), $1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [
        at,
        event.actorId,
        event.actorKind,
        event.action,
        event.patientId,
        event.basis,
        event.outcome,
        JSON.stringify(event.details),
      ],
    );
  }

  /** One statement for many entries, ids in the given order. */
  async insertMany(events: NewAuditEvent[], at: Date, manager?: EntityManager): Promise<void> {
    if (!events.length) return;
    await affected(
      on(this.dataSource, manager),
      `INSERT INTO audit_events (id, at, actor_id, actor_kind, action, patient_id, basis, outcome, details)
       SELECT audit_next_id(), $1, e.actor_id, e.actor_kind, e.action, e.patient_id, e.basis, e.outcome, e.details
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::jsonb[])
              WITH ORDINALITY AS e(actor_id, actor_kind, action, patient_id, basis, outcome, details, n)
        ORDER BY e.n`,
      [
        at,
        events.map((e) => e.actorId),
        events.map((e) => e.actorKind),
        events.map((e) => e.action),
        events.map((e) => e.patientId),
        events.map((e) => e.basis),
        events.map((e) => e.outcome),
        events.map((e) => JSON.stringify(e.details)),
      ],
    );
  }

  /** Entries by signed-in users about one patient, newest first; `limit + 1` rows (the caller pages). */
  listForPatient(
    patientId: string,
    limit: number,
    after: { at: string; id: string } | null,
  ): Promise<AccessLogRow[]> {
    const params: unknown[] = [patientId];
    let filter = '';
    if (after) {
      params.push(after.at, after.id);
      filter = ` AND (e.at, e.id) < ($2::timestamptz, $3::bigint)`;
    }
    return rows(
      this.dataSource,
      `SELECT e.id::text AS id, e.at, e.actor_id AS "userId", a.first_name || ' ' || a.last_name AS "userName",
              e.actor_kind AS "userKind", e.action, e.basis, e.outcome,
              ${cursorAtSql('e.at')} AS "cursorAt"
         FROM audit_events e
         JOIN account_directory a ON a.id = e.actor_id
        WHERE e.patient_id = $1${filter}
        ORDER BY e.at DESC, e.id DESC
        LIMIT ${Number(limit) + 1}`,
      params,
    );
  }
}
