import { Injectable } from '@nestjs/common';
import { HOSPITAL_TIME_ZONE } from '../../common/time/hospital-time.js';
import { ScheduledJob } from '../jobs/index.js';
import { GrantExpiryService } from './grant-expiry.service.js';

export const ACCESS_GRANT_EXPIRY_JOB = 'access-grant-expiry' as const;

/** Job `access-grant-expiry` (JobsModule schedules and runs it). */
@Injectable()
export class AccessGrantExpiryJob {
  constructor(private readonly expiry: GrantExpiryService) {}

  /**
   * Daily at 00:25 hospital time. The decision already ignores an expired grant at its expiry
   * instant, so the job only makes the row and the holder's advance notice catch up.
   */
  @ScheduledJob({ name: ACCESS_GRANT_EXPIRY_JOB, cron: '25 0 * * *', timeZone: HOSPITAL_TIME_ZONE })
  run(asOf: string): Promise<number> {
    return this.expiry.run(asOf);
  }
}
