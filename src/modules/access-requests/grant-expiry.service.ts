import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/time/clock.js';
import { addDays, hospitalDate, hospitalInstant } from '../../common/time/hospital-time.js';
import { NotificationsService } from '../notifications/index.js';
import { AccessGrantsService } from '../patient-access/index.js';
import { inTransaction } from '../../database/sql.js';

/** The holder of a personal grant is told this many days before it ends. */
export const GRANT_EXPIRY_NOTICE_DAYS = 30;

const NO_MAIL_STATUSES = new Set(['deactivated', 'rejected']);
const DAY_MS = 86_400_000;

/** Personal grants' life cycle (API.md v1.1): the expiry job ends expired grants and warns holders ahead. */
@Injectable()
export class GrantExpiryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: AccessGrantsService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Job `access-grant-expiry` for hospital date `asOf`: ends every open grant that expired by the
   * end of `asOf` (and not after now), and emails the holder of every grant ending within the next
   * 30 days once per period (idempotency key per grant and expiry, so a renewed grant is warned
   * again; a missed day is caught up). Set-based; a second run changes nothing. Returns grants
   * ended + notices recorded.
   */
  async run(asOf: string): Promise<number> {
    const now = this.clock.now();
    const endOfDay = hospitalInstant(addDays(asOf, 1));
    const cutoff = endOfDay < now ? endOfDay : now;
    const horizon = hospitalInstant(addDays(asOf, GRANT_EXPIRY_NOTICE_DAYS + 1));
    return inTransaction(this.dataSource, async (manager) => {
      const ended = await this.grants.endExpired(manager, cutoff);
      const soon = await this.grants.expiringBetween(cutoff, horizon, manager);
      const items = soon
        .filter((g) => !NO_MAIL_STATUSES.has(g.status))
        .map((g) => {
          const expiresAt = new Date(g.expiresAt);
          const lastDay = hospitalDate(new Date(expiresAt.getTime() - 1));
          const daysLeft = Math.max(
            0,
            Math.round((hospitalInstant(lastDay).getTime() - hospitalInstant(asOf).getTime()) / DAY_MS),
          );
          return {
            to: g.email,
            data: {
              firstName: g.firstName,
              lastName: g.lastName,
              lastDay,
              daysLeft,
              months: this.config.accessGrantMonths,
            },
            idempotencyKey: `access-grant-expiring:${g.id}:${expiresAt.toISOString()}`,
          };
        });
      const recorded = items.length
        ? await this.notifications.recordMany(manager, 'access-grant-expiring', items)
        : 0;
      return ended.length + recorded;
    });
  }
}
