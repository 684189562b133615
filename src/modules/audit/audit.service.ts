import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';

export interface AuditEntry {
  actorId: string | null;
  /** `provider`, `sponsored`, `staff`, `ehr`, `portal`, `system` or `anonymous`. */
  actorKind: string;
  /** What happened, e.g. `patient.view`, `patient.search`, `auth.login`, `staff.approve`. */
  action: string;
  patientId?: string | null;
  basis?: string | null;
  outcome: 'success' | 'denied' | 'failure';
  details?: Record<string, unknown>;
}

/**
 * Writes the append-only audit trail. The hash chain (`prev_hash`, `hash`) is computed by a
 * database trigger, so every writer (app, scripts) chains the same way.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Records in the given transaction, or on its own when no manager is passed. */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO audit_events (at, actor_id, actor_kind, action, patient_id, basis, outcome, details, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, '')`,
      [
        this.clock.now(),
        entry.actorId,
        entry.actorKind,
        entry.action,
        entry.patientId ?? null,
        entry.basis ?? null,
        entry.outcome,
        JSON.stringify(entry.details ?? {}),
      ],
    );
  }

  /**
   * Who did what with one patient's record, newest first: entries by signed-in users (views,
   * document lists, searches that matched the patient, denials, grants), keyset-paginated.
   */
  /**
   * Records several entries in one statement: the chain lock is then held for one round trip,
   * not one per entry (search records one entry per match).
   */
  async recordMany(entries: AuditEntry[], manager?: EntityManager): Promise<void> {
    if (!entries.length) return;
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO audit_events (at, actor_id, actor_kind, action, patient_id, basis, outcome, details, hash)
       SELECT $1, e.actor_id, e.actor_kind, e.action, e.patient_id, e.basis, e.outcome, e.details, ''
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::jsonb[])
              WITH ORDINALITY AS e(actor_id, actor_kind, action, patient_id, basis, outcome, details, n)
        ORDER BY e.n`,
      [
        this.clock.now(),
        entries.map((e) => e.actorId),
        entries.map((e) => e.actorKind),
        entries.map((e) => e.action),
        entries.map((e) => e.patientId ?? null),
        entries.map((e) => e.basis ?? null),
        entries.map((e) => e.outcome),
        entries.map((e) => JSON.stringify(e.details ?? {})),
      ],
    );
  }

  async listForPatient(
    patientId: string,
    page: { limit: number; after: { at: string; id: string } | null },
  ): Promise<{ items: AccessLogItem[]; nextCursor: { at: string; id: string } | null }> {
    const params: unknown[] = [patientId];
    let filter = '';
    if (page.after) {
      params.push(page.after.at, page.after.id);
      filter = ` AND (e.at, e.id) < ($2::timestamptz, $3::bigint)`;
    }
    const rows: Array<AccessLogItem & { id: string; cursorAt: string }> = await this.dataSource.query(
      `SELECT e.id::text AS id, e.at, e.actor_id AS "userId", u.first_name || ' ' || u.last_name AS "userName",
              e.actor_kind AS "userKind", e.action, e.basis, e.outcome,
              ${cursorAtSql('e.at')} AS "cursorAt"
         FROM audit_events e
         JOIN users u ON u.id = e.actor_id
        WHERE e.patient_id = $1${filter}
        ORDER BY e.at DESC, e.id DESC
        LIMIT ${page.limit + 1}`,
      params,
    );
    const items = rows.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(({ at, userId, userName, userKind, action, basis, outcome }) => ({
        at: new Date(at).toISOString(),
        userId,
        userName,
        userKind,
        action,
        basis,
        outcome,
      })),
      nextCursor: rows.length > page.limit && last ? { at: last.cursorAt, id: last.id } : null,
    };
  }
}

export interface AccessLogItem {
  at: string;
  userId: string;
  userName: string;
  userKind: string;
  action: string;
  basis: string | null;
  outcome: string;
}
