import { Inject, Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/time/clock.js';
import { HOSPITAL_TIME_ZONE, hospitalDate } from '../../common/time/hospital-time.js';
import { JobsService } from '../jobs/jobs.service.js';
import { VALIDATION_JOBS } from './validation-jobs.service.js';

/** Cron only enqueues (one Bull job per name and date); the work runs in ValidationJobsService. */
@Injectable()
export class ValidationScheduler {
  constructor(
    private readonly jobs: JobsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** April 1 and October 1, just after hospital midnight. */
  @Cron('5 0 1 4,10 *', { name: VALIDATION_JOBS.open, timeZone: HOSPITAL_TIME_ZONE })
  async open(): Promise<void> {
    await this.enqueue(VALIDATION_JOBS.open);
  }

  /** Daily: whichever 14/7/1-day reminders fall due today. */
  @Cron('0 8 * * *', { name: VALIDATION_JOBS.remind, timeZone: HOSPITAL_TIME_ZONE })
  async remind(): Promise<void> {
    await this.enqueue(VALIDATION_JOBS.remind);
  }

  /** Daily, just after midnight: validations due today or earlier and still open lock. */
  @Cron('15 0 * * *', { name: VALIDATION_JOBS.enforce, timeZone: HOSPITAL_TIME_ZONE })
  async enforce(): Promise<void> {
    await this.enqueue(VALIDATION_JOBS.enforce);
  }

  private async enqueue(name: (typeof VALIDATION_JOBS)[keyof typeof VALIDATION_JOBS]): Promise<void> {
    if (!this.config.cronEnabled) return;
    await this.jobs.enqueue(name, hospitalDate(this.clock.now()));
  }
}
