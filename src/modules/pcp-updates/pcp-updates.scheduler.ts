import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { BusinessCalendar } from '../../common/time/business-calendar.js';
import { Clock } from '../../common/time/clock.js';
import { HOSPITAL_TIME_ZONE, hospitalDate } from '../../common/time/hospital-time.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { JobsService } from '../jobs/jobs.service.js';
import { PcpUpdatesService } from './pcp-updates.service.js';

export const PCP_UPDATE_OVERDUE_JOB = 'pcp-update-overdue' as const;

/** Registers `pcp-update-overdue` and enqueues it at 07:00 hospital time on business days. */
@Injectable()
export class PcpUpdatesScheduler implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly pcpUpdates: PcpUpdatesService,
    private readonly clock: Clock,
    private readonly calendar: BusinessCalendar,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: PCP_UPDATE_OVERDUE_JOB, run: (asOf) => this.pcpUpdates.sendOverdueDigest(asOf) });
  }

  @Cron('0 7 * * *', { name: PCP_UPDATE_OVERDUE_JOB, timeZone: HOSPITAL_TIME_ZONE })
  async enqueueDaily(): Promise<boolean> {
    if (!this.config.cronEnabled) return false;
    const today = hospitalDate(this.clock.now());
    // The team reads the digest on business days; what is late over a weekend shows on Monday's.
    if (!this.calendar.isBusinessDay(today)) return false;
    await this.jobs.enqueue(PCP_UPDATE_OVERDUE_JOB, today);
    return true;
  }
}
