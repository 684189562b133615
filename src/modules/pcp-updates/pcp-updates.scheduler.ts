import { Injectable } from '@nestjs/common';
import { HOSPITAL_TIME_ZONE } from '../../common/time/hospital-time.js';
import { ScheduledJob } from '../jobs/index.js';
import { PcpUpdateOverdueService } from './pcp-update-overdue.service.js';

export const PCP_UPDATE_OVERDUE_JOB = 'pcp-update-overdue' as const;

/** Job `pcp-update-overdue` (JobsModule schedules and runs it). */
@Injectable()
export class PcpUpdatesScheduler {
  constructor(private readonly overdue: PcpUpdateOverdueService) {}

  /** 07:00 hospital time on business days: the team reads the digest then; a weekend's lateness shows on Monday's. */
  @ScheduledJob({
    name: PCP_UPDATE_OVERDUE_JOB,
    cron: '0 7 * * *',
    timeZone: HOSPITAL_TIME_ZONE,
    businessDaysOnly: true,
  })
  sendOverdueDigest(asOf: string): Promise<number> {
    return this.overdue.sendOverdueDigest(asOf);
  }
}
