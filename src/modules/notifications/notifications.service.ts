import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/time/clock.js';
import { Notification } from './entities/notification.entity.js';

export interface NotificationRequest {
  /** Template name under `templates/` (e.g. `registration-received`). */
  template: string;
  to: string;
  /** Template variables. Never patient identifiers or clinical data. */
  data: Record<string, unknown>;
  /** Same key, same notification: recording twice sends once. */
  idempotencyKey: string;
}

@Injectable()
export class NotificationsService {
  constructor(private readonly clock: Clock) {}

  /**
   * Records an email in the caller's transaction (the outbox). It is sent after the transaction
   * commits; if the transaction rolls back, it never existed. Returns the notification id, or null
   * when one with this idempotency key already exists.
   */
  async record(manager: EntityManager, request: NotificationRequest): Promise<string | null> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO notifications (template, recipient, data, idempotency_key, status, created_at)
       VALUES ($1, $2, $3::jsonb, $4, 'pending', $5)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id`,
      [request.template, request.to.toLowerCase(), JSON.stringify(request.data), request.idempotencyKey, this.clock.now()],
    );
    if (rows[0]) {
      // Delivered to listeners only when the transaction commits: the relay's prompt wake-up.
      await manager.query(`SELECT pg_notify('notifications_outbox', $1)`, [rows[0].id]);
    }
    return rows[0]?.id ?? null;
  }
}

export type { Notification };
