import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { badRequest, conflict, notFound } from '../../common/errors/problem.js';
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

export const DEFAULT_PAGE_SIZE = 50;

const encodeCursor = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    /* fall through */
  }
  throw badRequest('validation_failed', 'The cursor is not valid.', { errors: [{ field: 'cursor', message: 'cursor is not a cursor this API returned' }] });
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
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    const params: unknown[] = [limit + 1];
    const where: string[] = [];
    if (options.status) {
      params.push(options.status);
      where.push(`status = $${params.length}`);
    }
    if (options.cursor) {
      const [at, id] = decodeCursor(options.cursor);
      params.push(at, id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const rows: Array<NotificationSummary & { cursorAt: string }> = await this.dataSource.query(
      `SELECT id, template, recipient, status, attempts, last_error AS "lastError", created_at AS "createdAt",
              queued_at AS "queuedAt", sent_at AS "sentAt", failed_at AS "failedAt",
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
         FROM notifications
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC
        LIMIT $1`,
      params,
    );
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ cursorAt: _, ...item }) => item),
      nextCursor: more && last ? encodeCursor(last.cursorAt, last.id) : null,
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
