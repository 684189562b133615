import { Injectable } from '@nestjs/common';
import { HOSPITAL_TIME_ZONE } from '../../common/time/hospital-time.js';
import { ScheduledJob } from '../jobs/index.js';
import { AccessRequestsService } from './access-requests.service.js';

export const ACCESS_REQUEST_EXPIRY_JOB = 'access-request-expiry' as const;

/** Job `access-request-expiry` (JobsModule schedules and runs it). */
@Injectable()
export class AccessRequestExpiryJob {
  constructor(private readonly requests: AccessRequestsService) {}

  /**
   * Daily at 00:20 hospital time. Reads already treat a pending request past its expiry as expired,
   * so the job's timing decides only when the row and the requester's email catch up (within a day).
   */
  @ScheduledJob({ name: ACCESS_REQUEST_EXPIRY_JOB, cron: '20 0 * * *', timeZone: HOSPITAL_TIME_ZONE })
  expire(asOf: string): Promise<number> {
    return this.requests.expire(asOf);
  }
}
