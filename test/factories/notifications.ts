import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NotificationsService, type NotificationRequest } from '../../src/modules/notifications/notifications.service.js';

/** Records a notification in its own committed transaction, as a capability would; returns its id. */
export async function recordNotification(app: INestApplication, request: Partial<NotificationRequest> = {}): Promise<string> {
  const ds = app.get(DataSource);
  const service = app.get(NotificationsService);
  const id = await ds.transaction((manager) =>
    service.record(manager, {
      template: 'delivery-failed',
      to: `someone-${randomBytes(3).toString('hex')}@example.test`,
      data: { template: 'access-granted', attempts: 10, lastError: '421 try later' },
      idempotencyKey: `test:${randomBytes(8).toString('hex')}`,
      ...request,
    }),
  );
  if (!id) throw new Error('notification was not recorded (idempotency key reused?)');
  return id;
}

export interface NotificationRow {
  id: string;
  status: string;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  failedAt: Date | null;
  queuedAt: Date | null;
}

export async function notificationRow(app: INestApplication, id: string): Promise<NotificationRow> {
  const [row] = await app.get(DataSource).query(
    `SELECT id, status, attempts, last_error AS "lastError", sent_at AS "sentAt", failed_at AS "failedAt", queued_at AS "queuedAt"
       FROM notifications WHERE id = $1`,
    [id],
  );
  return row;
}

/** Polls until the notification has the status (the sender works asynchronously). */
export async function waitForStatus(app: INestApplication, id: string, status: string, timeoutMs = 15000): Promise<NotificationRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await notificationRow(app, id);
    if (row?.status === status) return row;
    if (Date.now() > deadline) throw new Error(`notification ${id} is ${row?.status ?? 'missing'}, not ${status}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
