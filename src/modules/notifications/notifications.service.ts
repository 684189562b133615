import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { conflict, notFound } from '../../common/errors/problem.js';
import { cursorAtSql, decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { NOTIFICATION_STATUSES, Notification, type NotificationStatus } from './entities/notification.entity.js';

export interface NotificationRequest {
  /** Template name under `templates/` (e.g. `registration-received`). */
  template: string;
  to: string;
  /** Template variables. Never patient identifiers or clinical data. */
  data: Record<string, unknown>;
  /** Same key, same notification: recording twice sends once. */
  idempotencyKey: string;
}

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

export interface NotificationPage {
  items: NotificationSummary[];
  nextCursor: string | null;
  counts: Record<NotificationStatus, number>;
}

@Injectable()
export class NotificationsService {
  constructor(
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Records an email in the caller's transaction (the outbox). It is sent after the transaction
   * commits; if the transaction rolls back, it never existed. Returns the notification id, or null
   * when one with this idempotency key already exists.
   */
  async record(manager: EntityManager, request: NotificationRequest): Promise<string | null> {
    // One round trip: insert, and notify the relay (delivered to listeners only when the
    // transaction commits: its prompt wake-up).
    const rows: Array<{ id: string }> = await manager.query(
      `WITH inserted AS (
         INSERT INTO notifications (template, recipient, data, idempotency_key, status, created_at)
         VALUES ($1, $2, $3::jsonb, $4, 'pending', $5)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id)
       SELECT id, pg_notify('notifications_outbox', id::text) FROM inserted`,
      [request.template, request.to.toLowerCase(), JSON.stringify(request.data), request.idempotencyKey, this.clock.now()],
    );
    return rows[0]?.id ?? null;
  }

  /** Newest first, `limit` per page, optionally of one status; with the counts by status. */
  async list(options: { status?: NotificationStatus; limit?: number; cursor?: string }): Promise<NotificationPage> {
    const limit = pageLimit(options.limit);
    const cursor = decodeCursor(options.cursor, ['instant', 'uuid']);
    const params: unknown[] = [limit + 1];
    const where: string[] = [];
    if (options.status) {
      params.push(options.status);
      where.push(`status = $${params.length}`);
    }
    if (cursor) {
      params.push(cursor[0], cursor[1]);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const rows: Array<NotificationSummary & { cursorAt: string }> = await this.dataSource.query(
      `SELECT id, template, recipient, status, attempts, last_error AS "lastError", created_at AS "createdAt",
              queued_at AS "queuedAt", sent_at AS "sentAt", failed_at AS "failedAt",
              ${cursorAtSql('created_at')} AS "cursorAt"
         FROM notifications
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC
        LIMIT $1`,
      params,
    );
    const page = toPage(rows, limit, (r) => [r.cursorAt, r.id]);
    return {
      items: page.items.map(({ cursorAt: _, ...item }) => item),
      nextCursor: page.nextCursor,
      counts: await this.counts(),
    };
  }

  async counts(): Promise<Record<NotificationStatus, number>> {
    const rows: Array<{ status: NotificationStatus; count: string }> = await this.dataSource.query(
      `SELECT status, count(*) AS count FROM notifications GROUP BY status`,
    );
    const counts = Object.fromEntries(NOTIFICATION_STATUSES.map((s) => [s, 0])) as Record<NotificationStatus, number>;
    for (const row of rows) counts[row.status] = Number(row.count);
    return counts;
  }

  /**
   * Sends a `failed` notification again: back to `pending` (its attempts and last error stay for
   * the record), picked up by the relay right after this transaction commits.
   */
  async retry(manager: EntityManager, id: string): Promise<NotificationSummary> {
    const [rows]: [NotificationSummary[], number] = await manager.query(
      `UPDATE notifications SET status = 'pending', queued_at = NULL, failed_at = NULL
        WHERE id = $1 AND status = 'failed'
        RETURNING id, template, recipient, status, attempts, last_error AS "lastError", created_at AS "createdAt",
                  queued_at AS "queuedAt", sent_at AS "sentAt", failed_at AS "failedAt"`,
      [id],
    );
    if (!rows[0]) {
      const [existing]: Array<{ status: string }> = await manager.query(`SELECT status FROM notifications WHERE id = $1`, [id]);
      if (!existing) throw notFound('No notification with this id.');
      throw conflict('notification_not_failed', `Only a failed notification can be sent again; this one is ${existing.status}.`, {
        status: existing.status,
      });
    }
    await manager.query(`SELECT pg_notify('notifications_outbox', $1)`, [id]);
    return rows[0];
  }
}

export type { Notification };
