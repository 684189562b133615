import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, one, returning, rows } from '../../database/sql.js';
import type { AlertKind, AlertStatus } from './entities/alert.entity.js';

export interface AlertRecord {
  id: string;
  at: Date;
  kind: AlertKind;
  userId: string;
  summary: string;
  status: AlertStatus;
  details: Record<string, unknown>;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
  /** The rule's key: one open alert per key. */
  dedupeKey: string;
  cursorAt: string;
}

export interface NewAlert {
  kind: AlertKind;
  userId: string;
  summary: string;
  details: Record<string, unknown>;
  dedupeKey: string;
}

interface AlertRow {
  id: string;
  at: Date;
  kind: AlertKind;
  user_id: string;
  summary: string;
  status: AlertStatus;
  details: Record<string, unknown>;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution_note: string | null;
  dedupe_key: string;
  cursor_at: string;
}

const COLUMNS = `id, at, kind, user_id, summary, status, details, resolved_at, resolved_by, resolution_note, dedupe_key, ${cursorAtSql('at')} AS cursor_at`;

const toAlert = (r: AlertRow): AlertRecord => ({
  id: r.id,
  at: r.at,
  kind: r.kind,
  userId: r.user_id,
  summary: r.summary,
  status: r.status,
  details: r.details,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
  resolutionNote: r.resolution_note,
  dedupeKey: r.dedupe_key,
  cursorAt: r.cursor_at,
});

/** All SQL of `alerts`. */
@Injectable()
export class AlertsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Raises an alert unless one with the same `dedupeKey` is open (partial unique index: also
   * under concurrent raisers). The new alert, or undefined when one was already open.
   */
  async raise(alert: NewAlert, at: Date, manager?: EntityManager): Promise<AlertRecord | undefined> {
    const [row] = await rows<AlertRow>(
      on(this.dataSource, manager),
      `INSERT INTO alerts (kind, user_id, at, summary, details, dedupe_key)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6)
       ON CONFLICT (dedupe_key) WHERE status = 'open' DO NOTHING
       RETURNING ${COLUMNS}`,
      [alert.kind, alert.userId, at, alert.summary, JSON.stringify(alert.details), alert.dedupeKey],
    );
    return row && toAlert(row);
  }

  /** Whether an alert with this key is open (lets a rule skip its counting). */
  async isOpen(dedupeKey: string, manager?: EntityManager): Promise<boolean> {
    const found = await one<{ id: string }>(
      on(this.dataSource, manager),
      `SELECT id FROM alerts WHERE dedupe_key = $1 AND status = 'open'`,
      [dedupeKey],
    );
    return found !== undefined;
  }

  /** Newest first, `limit` rows after the keyset; every status when `status` is absent. */
  async page(
    status: AlertStatus | undefined,
    after: readonly [string, string] | null,
    limit: number,
    manager?: EntityManager,
  ): Promise<AlertRecord[]> {
    const found = await rows<AlertRow>(
      on(this.dataSource, manager),
      `SELECT ${COLUMNS} FROM alerts
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::timestamptz IS NULL OR (at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY at DESC, id DESC
        LIMIT ${Math.trunc(limit)}`,
      [status ?? null, after?.[0] ?? null, after?.[1] ?? null],
    );
    return found.map(toAlert);
  }

  async findById(id: string, manager?: EntityManager): Promise<AlertRecord | undefined> {
    const row = await one<AlertRow>(
      on(this.dataSource, manager),
      `SELECT ${COLUMNS} FROM alerts WHERE id = $1`,
      [id],
    );
    return row && toAlert(row);
  }

  /** Resolves an open alert; undefined when it is not open (any more). */
  async resolve(
    id: string,
    by: string,
    note: string | null,
    at: Date,
    manager?: EntityManager,
  ): Promise<AlertRecord | undefined> {
    const [row] = await returning<AlertRow>(
      on(this.dataSource, manager),
      `UPDATE alerts SET status = 'resolved', resolved_at = $2, resolved_by = $3, resolution_note = $4
        WHERE id = $1 AND status = 'open'
        RETURNING ${COLUMNS}`,
      [id, at, by, note],
    );
    return row && toAlert(row);
  }
}
