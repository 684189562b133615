import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/time/clock.js';
import { hospitalDate } from '../../common/time/hospital-time.js';
import { AuditSearchService } from '../audit/index.js';
import { SearchMonitor, type SearchObserved, type SearchObserver } from '../patient-access/index.js';
import { AlertsService } from './alerts.service.js';

/** API.md v1.1: 20 `not_authorized` matches for one account in a rolling hour raise one `unusual_search` alert. */
export const UNUSUAL_SEARCH_MATCHES = 20;
export const UNUSUAL_SEARCH_WINDOW_MS = 60 * 60 * 1000;

export const unusualSearchKey = (userId: string) => `unusual_search:${userId}`;

/**
 * The unusual-search rule, told of every search through patient-access's `SearchMonitor` port.
 * It counts the `patient.search` entries with outcome `denied` the search has just written (the
 * trail is the record of what was shown), so the count is exact across instances and restarts.
 * Only searches with a denied match are looked at, and none while the account's alert is open.
 */
@Injectable()
export class UnusualSearchRule implements SearchObserver, OnModuleInit {
  constructor(
    private readonly monitor: SearchMonitor,
    private readonly trail: AuditSearchService,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.monitor.register(this);
  }

  async searched(event: SearchObserved): Promise<void> {
    if (event.denied === 0) return;
    const key = unusualSearchKey(event.user.id);
    if (await this.alerts.isOpen(key)) return;
    const now = this.clock.now();
    const since = new Date(now.getTime() - UNUSUAL_SEARCH_WINDOW_MS);
    const denied = await this.trail.deniedSearchMatches(event.user.id, since, UNUSUAL_SEARCH_MATCHES);
    if (denied < UNUSUAL_SEARCH_MATCHES) return;
    await this.alerts.raiseNow({
      kind: 'unusual_search',
      userId: event.user.id,
      summary:
        `At least ${UNUSUAL_SEARCH_MATCHES} patient-search matches this ${event.user.kind} account may not view ` +
        `within an hour (up to ${now.toISOString()}, hospital date ${hospitalDate(now)}).`,
      details: {
        deniedMatches: denied,
        windowMinutes: UNUSUAL_SEARCH_WINDOW_MS / 60000,
        since: since.toISOString(),
      },
      dedupeKey: key,
    });
  }
}
