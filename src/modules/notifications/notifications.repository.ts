import { Injectable } from '@nestjs/common';
import pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { affected, on, one, returning, rows, withSessionLock } from '../../database/sql.js';
import { NOTIFICATION_STATUSES, type NotificationStatus } from './entities/notification.entity.js';
import { NotificationSealer } from './notification-sealer.js';

/** The LISTEN/NOTIFY channel of the outbox: written to only here, listened to by the relay. */
export const OUTBOX_CHANNEL = 'notifications_outbox';

/**
 * The advisory lock (two-int form: 'NOTF', 1) every bulk recording holds *shared* while it runs; the
 * relays of all instances look for it in pg_locks. Released with the connection if the holder dies.
 */
const BULK_RECORDING_LOCK = [0x4e4f5446, 1] as const;

/** A notification as staff see it: never its `data` (it carries action tokens). */
export interface NotificationSummary {
  id: string;
  template: string;
  recipient: string;
  status: NotificationStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  queuedAt: Date | null;
  sentAt: Date | null;
  failedAt: Date | null;
}

/** What the sender needs of one row. */
export interface OutboxRow {
  id: string;
  template: string;
  recipient: string;
  data: Record<string, unknown>;
  status: NotificationStatus;
}

export interface NewNotification {
  recipient: string;
  data: unknown;
  idempotencyKey: string;
}

const SUMMARY_COLUMNS = `id, template, recipient, status, attempts, last_error AS "lastError", created_at AS "createdAt",
       queued_at AS "queuedAt", sent_at AS "sentAt", failed_at AS "failedAt"`;

/**
 * All SQL of `notifications` (the outbox): recording (one row or a set, waking the relay on
 * commit), the relay's batches, the sender's reads and marks, the staff list and retry.
 * Every write of `data` goes through the sealer: one-time tokens are stored encrypted, and
 * dropped when the email is sent or finally fails.
 */
@Injectable()
export class NotificationsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: NotificationSealer,
  ) {}

  /**
   * One round trip: insert, and notify the relay (delivered to listeners only when the
   * transaction commits: its prompt wake-up). Null when the idempotency key exists.
   */
  async insert(
    manager: EntityManager,
    template: string,
    item: NewNotification,
    now: Date,
  ): Promise<string | null> {
    const row = await one<{ id: string }>(
      manager,
      `WITH inserted AS (
         INSERT INTO notifications (template, recipient, data, idempotency_key, status, created_at)
         VALUES ($1, $2, $3::jsonb, $4, 'pending', $5)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id)
       SELECT id, pg_notify('${OUTBOX_CHANNEL}', id::text) FROM inserted`,
      [
        template,
        item.recipient.toLowerCase(),
        JSON.stringify(this.sealer.seal(item.data)),
        item.idempotencyKey,
        now,
      ],
    );
    return row?.id ?? null;
  }

  /**
   * Set-based: one INSERT … SELECT for all items (keys already present, or repeated within the
   * set, are skipped), and one wake-up of the relay when anything was inserted. Returns the count.
   */
  async insertMany(
    manager: EntityManager,
    template: string,
    items: NewNotification[],
    now: Date,
  ): Promise<number> {
    if (items.length === 0) return 0;
    const row = await one<{ n: number }>(
      manager,
      `WITH inserted AS (
         INSERT INTO notifications (template, recipient, data, idempotency_key, status, created_at)
         SELECT $1, lower(i.recipient), i.data, i.idempotency_key, 'pending', $2
           FROM jsonb_to_recordset($3::jsonb) AS i(recipient text, data jsonb, idempotency_key text)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING 1),
       counted AS (SELECT count(*)::int AS n FROM inserted)
       SELECT n, CASE WHEN n > 0 THEN pg_notify('${OUTBOX_CHANNEL}', '') END AS woke FROM counted`,
      [
        template,
        now,
        JSON.stringify(
          items.map((i) => ({
            recipient: i.recipient,
            data: this.sealer.seal(i.data),
            idempotency_key: i.idempotencyKey,
          })),
        ),
      ],
    );
    return row?.n ?? 0;
  }

  /** Newest first, `limit + 1` rows (the caller pages), optionally of one status, after a cursor. */
  async list(filter: {
    status?: NotificationStatus;
    limit: number;
    after?: [string, string] | null;
  }): Promise<Array<NotificationSummary & { cursorAt: string }>> {
    const params: unknown[] = [filter.limit + 1];
    const where: string[] = [];
    if (filter.status) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    if (filter.after) {
      params.push(filter.after[0], filter.after[1]);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    return rows(
      this.dataSource,
      `SELECT ${SUMMARY_COLUMNS}, ${cursorAtSql('created_at')} AS "cursorAt"
         FROM notifications
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC
        LIMIT $1`,
      params,
    );
  }

  async countsByStatus(): Promise<Record<NotificationStatus, number>> {
    const found = await rows<{ status: NotificationStatus; count: string }>(
      this.dataSource,
      `SELECT status, count(*) AS count FROM notifications GROUP BY status`,
    );
    const counts = Object.fromEntries(NOTIFICATION_STATUSES.map((s) => [s, 0])) as Record<
      NotificationStatus,
      number
    >;
    for (const row of found) counts[row.status] = Number(row.count);
    return counts;
  }

  /**
   * A `failed` row back to `pending` (attempts and last error stay), waking the relay on commit;
   * not one whose one-time token was discarded when it failed (its link could not work).
   */
  async resetFailed(manager: EntityManager, id: string): Promise<NotificationSummary | undefined> {
    const [row] = await returning<NotificationSummary>(
      manager,
      `UPDATE notifications SET status = 'pending', queued_at = NULL, failed_at = NULL
        WHERE id = $1 AND status = 'failed' AND NOT data ? 'tokenDiscarded'
        RETURNING ${SUMMARY_COLUMNS}`,
      [id],
    );
    if (row) await manager.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', $1)`, [id]);
    return row;
  }

  async findSummary(id: string, manager?: EntityManager): Promise<NotificationSummary | undefined> {
    return one(on(this.dataSource, manager), `SELECT ${SUMMARY_COLUMNS} FROM notifications WHERE id = $1`, [
      id,
    ]);
  }

  async statusOf(id: string, manager?: EntityManager): Promise<NotificationStatus | undefined> {
    return (await this.retryState(id, manager))?.status;
  }

  /** Status, and whether its one-time token was discarded (a failed email that carried one). */
  retryState(
    id: string,
    manager?: EntityManager,
  ): Promise<{ status: NotificationStatus; tokenDiscarded: boolean } | undefined> {
    return one(
      on(this.dataSource, manager),
      `SELECT status, data ? 'tokenDiscarded' AS "tokenDiscarded" FROM notifications WHERE id = $1`,
      [id],
    );
  }

  // --- bulk recordings and the relay ---

  /**
   * Runs `work` holding the bulk-recording lock shared (several bulk jobs may run at once), on a
   * dedicated connection (withSessionLock); when it ends the relays are woken.
   */
  whileBulkRecording<T>(work: () => Promise<T>): Promise<T> {
    return withSessionLock(
      this.dataSource,
      { sql: `SELECT pg_advisory_lock_shared($1, $2)`, params: [...BULK_RECORDING_LOCK] },
      {
        sql: `SELECT pg_advisory_unlock_shared($1, $2), pg_notify('${OUTBOX_CHANNEL}', '')`,
        params: [...BULK_RECORDING_LOCK],
      },
      work,
    );
  }

  /** Whether a bulk recording runs on this database now (any instance). */
  async bulkRecordingInProgress(): Promise<boolean> {
    const row = await one<{ held: boolean }>(
      on(this.dataSource),
      `SELECT EXISTS (SELECT 1 FROM pg_locks
                       WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $1 AND objid = $2
                         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS held`,
      [...BULK_RECORDING_LOCK],
    );
    return row?.held ?? false;
  }

  /** The oldest pending rows, locked for this transaction (other instances skip them). */
  lockPending(manager: EntityManager, limit: number): Promise<Array<{ id: string; attempts: number }>> {
    return rows(
      manager,
      `SELECT id, attempts FROM notifications WHERE status = 'pending'
        ORDER BY created_at LIMIT ${Number(limit)} FOR UPDATE SKIP LOCKED`,
    );
  }

  /** Rows `queued` before `before`, locked for this transaction. */
  lockQueuedBefore(manager: EntityManager, before: Date, limit: number): Promise<Array<{ id: string }>> {
    return rows(
      manager,
      `SELECT id FROM notifications WHERE status = 'queued' AND queued_at < $1
        ORDER BY queued_at LIMIT ${Number(limit)} FOR UPDATE SKIP LOCKED`,
      [before],
    );
  }

  async markQueued(manager: EntityManager, ids: string[], now: Date): Promise<void> {
    await affected(
      manager,
      `UPDATE notifications SET status = 'queued', queued_at = $2 WHERE id = ANY($1::uuid[]) AND status IN ('pending', 'queued')`,
      [ids, now],
    );
  }

  /** Opens the relay's own connection, LISTENing on the outbox channel. */
  async listen(
    connectionString: string,
    handlers: { onNotify: () => void; onError: (client: pg.Client, error: Error) => void },
  ): Promise<pg.Client> {
    const client = new pg.Client({ connectionString, application_name: 'mypatients-outbox-relay' });
    client.on('notification', handlers.onNotify);
    client.on('error', (error) => handlers.onError(client, error));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  // --- the sender ---

  async findForSending(ids: string[]): Promise<Map<string, OutboxRow>> {
    const found = await rows<OutboxRow>(
      this.dataSource,
      `SELECT id, template, recipient, data, status FROM notifications WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(found.map((r) => [r.id, r]));
  }

  /** Sent: counted, timestamped, and its action token dropped from the stored data. */
  async markSent(ids: string[], now: Date): Promise<void> {
    await affected(
      this.dataSource,
      `UPDATE notifications SET status = 'sent', attempts = attempts + 1, sent_at = $2, failed_at = NULL,
              data = data - 'token'
        WHERE id = ANY($1::uuid[])`,
      [ids, now],
    );
  }

  /**
   * One failed attempt (and `failed` when final); the attempts so far, or undefined if it was sent
   * meanwhile. A final failure drops the one-time token as a send does (marked `tokenDiscarded`).
   */
  async recordAttemptFailed(
    manager: EntityManager,
    id: string,
    error: string,
    final: boolean,
    now: Date,
  ): Promise<number | undefined> {
    const [row] = await returning<{ attempts: number }>(
      manager,
      `UPDATE notifications
          SET attempts = attempts + 1, last_error = $2,
              status = CASE WHEN $3 THEN 'failed' ELSE status END,
              failed_at = CASE WHEN $3 THEN $4::timestamptz ELSE failed_at END,
              data = CASE WHEN $3 AND data ? 'token' THEN (data - 'token') || '{"tokenDiscarded": true}'::jsonb ELSE data END
        WHERE id = $1 AND status <> 'sent'
        RETURNING attempts`,
      [id, error, final, now],
    );
    return row?.attempts;
  }
}
