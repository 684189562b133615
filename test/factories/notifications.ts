import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../../src/common/time/clock.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { TEST_SECRETS } from '../../src/config/dev-secrets.js';
import { NotificationSealer } from '../../src/modules/notifications/notification-sealer.js';
import {
  NotificationsRepository,
  type NotificationSummary,
} from '../../src/modules/notifications/notifications.repository.js';

/**
 * A notification to record. Untyped on purpose (any template name, any data): tests also record
 * what a faulty deploy would (an unknown template, data missing a variable). Application code
 * records through NotificationsService, which checks the data against the template registry.
 */
export interface TestNotification {
  template: string;
  to: string;
  data: Record<string, unknown>;
  idempotencyKey: string;
}

/** Records a notification in its own committed transaction, as a capability would; returns its id. */
export async function recordNotification(
  app: INestApplication,
  request: Partial<TestNotification> = {},
): Promise<string> {
  const repository = app.get(NotificationsRepository);
  const now = app.get(Clock).now();
  const n: TestNotification = {
    template: 'delivery-failed',
    to: `someone-${randomBytes(3).toString('hex')}@example.test`,
    data: { template: 'access-granted', attempts: 10, lastError: '421 try later' },
    idempotencyKey: `test:${randomBytes(8).toString('hex')}`,
    ...request,
  };
  const id = await app
    .get(DataSource)
    .transaction((manager) =>
      repository.insert(
        manager,
        n.template,
        { recipient: n.to, data: n.data, idempotencyKey: n.idempotencyKey },
        now,
      ),
    );
  if (!id) throw new Error('notification was not recorded (idempotency key reused?)');
  return id;
}

export type NotificationRow = Pick<
  NotificationSummary,
  'id' | 'status' | 'attempts' | 'lastError' | 'sentAt' | 'failedAt' | 'queuedAt'
>;

export async function notificationRow(app: INestApplication, id: string): Promise<NotificationRow> {
  return (await app.get(NotificationsRepository).findSummary(id)) as NotificationRow;
}

/** Polls until the notification has the status (the sender works asynchronously). */
export async function waitForStatus(
  app: INestApplication,
  id: string,
  status: string,
  timeoutMs = 15000,
): Promise<NotificationRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await notificationRow(app, id);
    if (row?.status === status) return row;
    if (Date.now() > deadline)
      throw new Error(
        `notification ${id} is ${row?.status ?? 'missing'}, not ${status}, after ${timeoutMs} ms`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

const testSealer = new NotificationSealer({
  notificationsEncryptionKey: TEST_SECRETS.NOTIFICATIONS_ENCRYPTION_KEY,
} as AppConfig);

/**
 * A notification's data with its sealed one-time fields opened, as the sender would render it
 * (test key of NODE_ENV=test). The database itself never holds the plain token.
 */
export function openedData<T>(data: T): T {
  return testSealer.open(data as Record<string, unknown>) as T;
}
