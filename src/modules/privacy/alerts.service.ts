import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, notFound } from '../../common/errors/problem.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { isUuid } from '../../common/validation/uuid.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { type AlertRecord, AlertsRepository, type NewAlert } from './alerts.repository.js';
import type { AlertsQuery } from './dto/privacy-query.dto.js';
import type { AlertKind, AlertStatus } from './entities/alert.entity.js';
import { inTransaction } from '../../database/sql.js';

export interface AlertView {
  id: string;
  at: string;
  kind: AlertKind;
  userId: string;
  summary: string;
  status: AlertStatus;
  resolvedAt?: string;
  resolvedBy?: string;
  note?: string;
}

const KIND_LABELS: Record<AlertKind, string> = {
  unusual_search: 'unusual searching',
  self_granted: 'approval and invitation by the same staff member',
};

const view = (a: AlertRecord): AlertView => ({
  id: a.id,
  at: new Date(a.at).toISOString(),
  kind: a.kind,
  userId: a.userId,
  summary: a.summary,
  status: a.status,
  ...(a.resolvedAt ? { resolvedAt: new Date(a.resolvedAt).toISOString() } : {}),
  ...(a.resolvedBy ? { resolvedBy: a.resolvedBy } : {}),
  ...(a.resolutionNote ? { note: a.resolutionNote } : {}),
});

/**
 * How long an instance trusts that an alert it saw open is still open. A rule asks on every event
 * it watches (every search with a denied match), and an open alert stays open for hours or days;
 * so a resolve made on another instance is seen here within this time (on this one, at once).
 */
export const OPEN_ALERT_RECHECK_MS = 60_000;
const OPEN_ALERTS_REMEMBERED = 10_000;

/** Privacy alerts: raised by the rules (in their caller's transaction), listed and resolved by the privacy officer. */
@Injectable()
export class AlertsService {
  /** Dedupe key → until when (ms) it counts as open without asking the database. */
  private readonly seenOpen = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly alerts: AlertsRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Whether an alert with this key is open (an open one is remembered for OPEN_ALERT_RECHECK_MS). */
  async isOpen(dedupeKey: string): Promise<boolean> {
    const nowMs = this.clock.now().getTime();
    const until = this.seenOpen.get(dedupeKey);
    if (until !== undefined && until > nowMs) return true;
    const open = await this.alerts.isOpen(dedupeKey);
    if (open) this.rememberOpen(dedupeKey, nowMs);
    else this.seenOpen.delete(dedupeKey);
    return open;
  }

  private rememberOpen(dedupeKey: string, nowMs: number): void {
    if (this.seenOpen.size >= OPEN_ALERTS_REMEMBERED) {
      for (const [key, until] of this.seenOpen) if (until <= nowMs) this.seenOpen.delete(key);
      if (this.seenOpen.size >= OPEN_ALERTS_REMEMBERED)
        this.seenOpen.delete(this.seenOpen.keys().next().value!);
    }
    this.seenOpen.set(dedupeKey, nowMs + OPEN_ALERT_RECHECK_MS);
  }

  /**
   * Raises the alert unless the same one is open, and then emails the team (no patient data: the
   * summary never carries any) and audits `privacy.alert`, all in `manager`'s transaction.
   * True when it was raised.
   */
  async raise(manager: EntityManager, alert: NewAlert): Promise<boolean> {
    const raised = await this.alerts.raise(alert, this.clock.now(), manager);
    if (!raised) return false;
    await this.notifications.record(manager, {
      template: 'privacy-alert',
      to: this.config.teamEmail,
      data: {
        alertId: raised.id,
        kindLabel: KIND_LABELS[raised.kind],
        summary: raised.summary,
        userId: raised.userId,
      },
      idempotencyKey: `privacy-alert:${raised.id}`,
    });
    await this.audit.record(
      {
        actorId: null,
        actorKind: 'system',
        action: 'privacy.alert',
        outcome: 'success',
        details: { alertId: raised.id, kind: raised.kind, userId: raised.userId },
      },
      manager,
    );
    return true;
  }

  /** Raises in a transaction of its own. */
  raiseNow(alert: NewAlert): Promise<boolean> {
    return inTransaction(this.dataSource, (manager) => this.raise(manager, alert));
  }

  async list(query: AlertsQuery): Promise<Page<AlertView>> {
    const limit = pageLimit(query.limit);
    const after = decodeCursor(query.cursor, ['instant', 'uuid']);
    const found = await this.alerts.page(query.status, after && [after[0], after[1]], limit + 1);
    const page = toPage(found, limit, (a) => [a.cursorAt, a.id]);
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  }

  /** 404 unknown; 409 `invalid_state` once resolved. Audited `privacy.alert_resolve`. */
  async resolve(officer: AuthUser, id: string, note: string | undefined): Promise<AlertView> {
    if (!isUuid(id)) throw notFound('No alert has this id.');
    const text = note?.trim() || null;
    return inTransaction(this.dataSource, async (manager) => {
      const resolved = await this.alerts.resolve(id, officer.id, text, this.clock.now(), manager);
      if (resolved) this.seenOpen.delete(resolved.dedupeKey);
      if (!resolved) {
        const existing = await this.alerts.findById(id, manager);
        if (!existing) throw notFound('No alert has this id.');
        throw conflict('invalid_state', 'This alert is already resolved.', {
          currentStatus: existing.status,
        });
      }
      await this.audit.record(
        {
          actorId: officer.id,
          actorKind: officer.kind,
          action: 'privacy.alert_resolve',
          outcome: 'success',
          details: { alertId: id, kind: resolved.kind, userId: resolved.userId },
        },
        manager,
      );
      return view(resolved);
    });
  }
}
