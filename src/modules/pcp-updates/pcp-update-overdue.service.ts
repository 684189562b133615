import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BusinessCalendar } from '../../common/time/business-calendar.js';
import { hospitalDate, hospitalInstant } from '../../common/time/hospital-time.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { PcpUpdateQueueRepository } from './pcp-update-queue.repository.js';
import { inTransaction } from '../../database/sql.js';

/**
 * The work of job `pcp-update-overdue`: one digest email to the team of the requests past due.
 * It changes no request (no transition): lateness is derived from the due date.
 */
@Injectable()
export class PcpUpdateOverdueService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: PcpUpdateQueueRepository,
    private readonly calendar: BusinessCalendar,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Emails the team one digest of the requests still open or in progress whose due date is before
   * `asOf` (hospital date). One digest per date (notification idempotency key): the first run returns
   * the number of late requests, a second run for the same date 0. Nothing late: no email, 0.
   */
  async sendOverdueDigest(asOf: string): Promise<number> {
    // Midnight starting the hospital date asOf: a request due on an earlier date is late that day.
    const late = await this.requests.findLate(hospitalInstant(asOf));
    if (late.length === 0) return 0;
    return inTransaction(this.dataSource, async (manager) => {
      const id = await this.notifications.record(manager, {
        template: 'pcp-update-overdue-team',
        to: this.config.teamEmail,
        data: {
          asOf,
          count: late.length,
          countLabel: late.length === 1 ? '1 request' : `${late.length} requests`,
          plural: late.length !== 1,
          unassigned: late.filter((r) => r.status === 'open').length,
          items: late.map((r) => ({
            requestId: r.id,
            dueDate: hospitalDate(r.dueAt),
            businessDaysLate: this.calendar.businessDaysBetween(hospitalDate(r.dueAt), asOf),
            status: r.status === 'open' ? 'unclaimed' : 'in progress',
            assignee: r.assigneeName ?? 'nobody',
          })),
        },
        idempotencyKey: `pcp-update-overdue:${asOf}`,
      });
      if (!id) return 0;
      await this.audit.record(
        {
          actorId: null,
          actorKind: 'system',
          action: 'pcp_update.overdue_digest',
          outcome: 'success',
          details: { asOf, count: late.length },
        },
        manager,
      );
      return late.length;
    });
  }
}
