import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { affected, on, one, rows } from '../../database/sql.js';

/**
 * The canonical form of an entry that its link covers: a JSON array of every field (the time in
 * UTC with microseconds, `details` as PostgreSQL's normalised jsonb text). Spelled out here rather
 * than calling the database's `audit_event_canonical`, so a replaced function cannot hide a change.
 */
const CANONICAL_SQL = `jsonb_build_array(e.id::text, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  e.actor_id::text, e.actor_kind, e.action, e.patient_id::text, e.basis, e.outcome, e.details)::text`;

/** One sealer at a time, whichever instance (transaction-scoped, so a crash releases it). */
const SEALER_LOCK_KEY = 728_114_400;

export interface SealState {
  lastId: string;
  link: string | null;
  count: number;
  legacyBrokenAt: string | null;
}

export interface EntryToSeal {
  id: string;
  canonical: string;
}

export interface NewSeal {
  id: string;
  link: string;
  keyId: string;
}

/** An entry of the trail with its seal (`link`/`keyId` null while unsealed). */
export interface TrailRow {
  id: string;
  canonical: string;
  link: string | null;
  keyId: string | null;
}

/** All SQL of `audit_seals` and `audit_seal_state`, and the trail walks of the sealer and the verifier. */
@Injectable()
export class AuditSealsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The last id the sequence handed out (null before the first entry). Read before `transactionsInProgress`. */
  async sequenceHead(): Promise<string | null> {
    const row = await one<{ head: string | null }>(
      this.dataSource,
      `SELECT pg_sequence_last_value(pg_get_serial_sequence('audit_events', 'id')::regclass)::text AS head`,
    );
    return row?.head ?? null;
  }

  /**
   * The transaction ids that backends of this database hold right now (32-bit, as text). Read from
   * the backends themselves rather than from a snapshot's in-progress list: a snapshot leaves out
   * transactions whose xid is newer than every finished one, and such a transaction may hold an
   * older entry id than one already committed. Transaction ids are server-wide, so only this
   * database's backends count (an idle transaction elsewhere on the server must not stall sealing).
   * Audit entries are written by the service's own sessions, which the runtime role always sees.
   */
  async transactionsInProgress(): Promise<string[]> {
    const found = await rows<{ xid: string }>(
      this.dataSource,
      `SELECT backend_xid::text AS xid FROM pg_stat_activity
        WHERE datname = current_database() AND backend_xid IS NOT NULL`,
    );
    return found.map((r) => r.xid);
  }

  async tryLockSealer(manager: EntityManager): Promise<boolean> {
    const row = await one<{ locked: boolean }>(manager, `SELECT pg_try_advisory_xact_lock($1) AS locked`, [
      SEALER_LOCK_KEY,
    ]);
    return row!.locked;
  }

  async state(manager?: EntityManager): Promise<SealState> {
    const row = await one<{
      lastId: string;
      link: string | null;
      count: string;
      legacyBrokenAt: string | null;
    }>(
      on(this.dataSource, manager),
      `SELECT last_id::text AS "lastId", link, count::text AS count, legacy_broken_at::text AS "legacyBrokenAt"
         FROM audit_seal_state WHERE singleton`,
    );
    if (!row) return { lastId: '0', link: null, count: 0, legacyBrokenAt: null };
    return {
      lastId: row.lastId,
      link: row.link,
      count: Number(row.count),
      legacyBrokenAt: row.legacyBrokenAt,
    };
  }

  /** Committed entries after `afterId` up to `throughId`, in id order. */
  entriesToSeal(
    afterId: string,
    throughId: string,
    limit: number,
    manager: EntityManager,
  ): Promise<EntryToSeal[]> {
    return rows<EntryToSeal>(
      manager,
      `SELECT e.id::text AS id, ${CANONICAL_SQL} AS canonical
         FROM audit_events e
        WHERE e.id > $1::bigint AND e.id <= $2::bigint
        ORDER BY e.id
        LIMIT ${Number(limit)}`,
      [afterId, throughId],
    );
  }

  async insertSeals(seals: NewSeal[], manager: EntityManager): Promise<void> {
    await affected(
      manager,
      `INSERT INTO audit_seals (id, link, key_id)
       SELECT * FROM unnest($1::bigint[], $2::char(64)[], $3::char(16)[])`,
      [seals.map((s) => s.id), seals.map((s) => s.link), seals.map((s) => s.keyId)],
    );
  }

  /** Moves the sealer's position from `fromId`; false when someone else moved it first. */
  async advanceState(
    fromId: string,
    to: { lastId: string; link: string; count: number; at: Date },
    manager: EntityManager,
  ): Promise<boolean> {
    const n = await affected(
      manager,
      `UPDATE audit_seal_state SET last_id = $2::bigint, link = $3, count = $4, sealed_at = $5
        WHERE singleton AND last_id = $1::bigint`,
      [fromId, to.lastId, to.link, to.count, to.at],
    );
    return n === 1;
  }

  /** The verifier's walk: entries after `afterId` in id order with their seals. */
  trailBatch(afterId: string, limit: number): Promise<TrailRow[]> {
    return rows<TrailRow>(
      this.dataSource,
      `SELECT e.id::text AS id, ${CANONICAL_SQL} AS canonical, s.link, s.key_id AS "keyId"
         FROM audit_events e
         LEFT JOIN audit_seals s ON s.id = e.id
        WHERE e.id > $1::bigint
        ORDER BY e.id
        LIMIT ${Number(limit)}`,
      [afterId],
    );
  }

  /** The lowest sealed id whose entry is gone (only possible with every trigger, foreign keys included, disabled). */
  async firstOrphanSeal(): Promise<string | undefined> {
    const row = await one<{ id: string }>(
      this.dataSource,
      `SELECT s.id::text AS id FROM audit_seals s
        WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.id = s.id)
        ORDER BY s.id LIMIT 1`,
    );
    return row?.id;
  }
}
