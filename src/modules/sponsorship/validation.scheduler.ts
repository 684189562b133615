import { Injectable } from '@nestjs/common';
import { HOSPITAL_TIME_ZONE } from '../../common/time/hospital-time.js';
import { ScheduledJob } from '../jobs/index.js';
import { VALIDATION_JOBS, ValidationJobsService } from './validation-jobs.service.js';

/** The sponsor-validation jobs (JobsModule schedules and runs them; the work is in ValidationJobsService). */
@Injectable()
export class ValidationScheduler {
  constructor(private readonly validationJobs: ValidationJobsService) {}

  /** April 1 and October 1, just after hospital midnight. */
  @ScheduledJob({ name: VALIDATION_JOBS.open, cron: '5 0 1 4,10 *', timeZone: HOSPITAL_TIME_ZONE })
  open(asOf: string): Promise<number> {
    return this.validationJobs.open(asOf);
  }

  /** Daily: whichever 14/7/1-day reminders fall due today. */
  @ScheduledJob({ name: VALIDATION_JOBS.remind, cron: '0 8 * * *', timeZone: HOSPITAL_TIME_ZONE })
  remind(asOf: string): Promise<number> {
    return this.validationJobs.remind(asOf);
  }

  /** Daily, just after midnight: validations due today or earlier and still open lock. */
  @ScheduledJob({ name: VALIDATION_JOBS.enforce, cron: '15 0 * * *', timeZone: HOSPITAL_TIME_ZONE })
  enforce(asOf: string): Promise<number> {
    return this.validationJobs.enforce(asOf);
  }
}
