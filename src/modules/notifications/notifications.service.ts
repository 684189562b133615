import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, notFound } from '../../common/errors/problem.js';
import { decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import type { NotificationStatus } from './entities/notification.entity.js';
import { NotificationsRepository, type NotificationSummary } from './notifications.repository.js';
import type { TemplateData, TemplateName } from './template-registry.js';
import { inTransaction } from '../../database/sql.js';

export interface NotificationRequest<T extends TemplateName = TemplateName> {
  /** Template name under `templates/` (e.g. `registration-approved`), declared in template-registry.ts. */
  template: T;
  to: string;
  /** Template variables, typed by the template. Never patient identifiers or clinical data. */
  data: TemplateData<T>;
  /** Same key, same notification: recording twice sends once. */
  idempotencyKey: string;
}

/** One email of a `recordMany` set (the template is the set's). */
export interface NotificationItem<T extends TemplateName = TemplateName> {
  to: string;
  data: TemplateData<T>;
  idempotencyKey: string;
}

export type { NotificationSummary };

export interface NotificationPage {
  items: NotificationSummary[];
  nextCursor: string | null;
  counts: Record<NotificationStatus, number>;
}

/**
 * The outbox: the only writer of `notifications`. Emails are recorded in the caller's
 * transaction and sent after it commits (docs/notifications.md).
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly clock: Clock,
    private readonly repository: NotificationsRepository,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Records an email in the caller's transaction (the outbox). It is sent after the transaction
   * commits; if the transaction rolls back, it never existed. Returns the notification id, or null
   * when one with this idempotency key already exists.
   */
  record<T extends TemplateName>(
    manager: EntityManager,
    request: NotificationRequest<T>,
  ): Promise<string | null> {
    return this.repository.insert(
      manager,
      request.template,
      { recipient: request.to, data: request.data, idempotencyKey: request.idempotencyKey },
      this.clock.now(),
    );
  }

  /**
   * Records many emails of one template in one statement, in the caller's transaction (keys
   * already recorded are skipped), and wakes the relay. Returns how many were recorded.
   */
  recordMany<T extends TemplateName>(
    manager: EntityManager,
    template: T,
    items: ReadonlyArray<NotificationItem<T>>,
  ): Promise<number> {
    return this.repository.insertMany(
      manager,
      template,
      items.map((i) => ({ recipient: i.to, data: i.data, idempotencyKey: i.idempotencyKey })),
      this.clock.now(),
    );
  }

  /**
   * Runs a job that records emails by the hundred thousand (the validation jobs) while the relays of
   * every instance hold delivery back, so the job's statements have the machine's cores instead of
   * sharing them with the sender; what anyone records meanwhile stays in the outbox and goes out when
   * the job ends (at most NotificationsRelay's BULK_DEFERRAL_MAX_MS later). Several may run at once.
   */
  whileBulkRecording<T>(work: () => Promise<T>): Promise<T> {
    return this.repository.whileBulkRecording(work);
  }

  /** Newest first, `limit` per page, optionally of one status; with the counts by status. */
  async list(options: {
    status?: NotificationStatus;
    limit?: number;
    cursor?: string;
  }): Promise<NotificationPage> {
    const limit = pageLimit(options.limit);
    const after = decodeCursor(options.cursor, ['instant', 'uuid']);
    const found = await this.repository.list({ status: options.status, limit, after });
    const page = toPage(found, limit, (r) => [r.cursorAt, r.id]);
    return {
      items: page.items.map(({ cursorAt: _, ...item }) => item),
      nextCursor: page.nextCursor,
      counts: await this.repository.countsByStatus(),
    };
  }

  counts(): Promise<Record<NotificationStatus, number>> {
    return this.repository.countsByStatus();
  }

  /**
   * Sends a `failed` notification again: back to `pending` (its attempts and last error stay for
   * the record), picked up by the relay right after this transaction commits.
   */
  async retry(manager: EntityManager, id: string): Promise<NotificationSummary> {
    const summary = await this.repository.resetFailed(manager, id);
    if (summary) return summary;
    const state = await this.repository.retryState(id, manager);
    if (!state) throw notFound('No notification with this id.');
    const { status } = state;
    if (status === 'failed' && state.tokenDiscarded) throw conflict('notification_token_discarded');
    throw conflict(
      'notification_not_failed',
      `Only a failed notification can be sent again; this one is ${status}.`,
      { status },
    );
  }

  /** Staff's "send again": the retry and its audit entry in one transaction. */
  retryForStaff(user: AuthUser, id: string): Promise<NotificationSummary> {
    return inTransaction(this.dataSource, async (manager) => {
      const notification = await this.retry(manager, id);
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: 'staff.notification_retry',
          outcome: 'success',
          details: { notificationId: id, template: notification.template },
        },
        manager,
      );
      return notification;
    });
  }
}
