import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { Clock } from '../../common/time/clock.js';
import { HOSPITAL_TIME_ZONE, hospitalDate } from '../../common/time/hospital-time.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { JobsService } from '../jobs/jobs.service.js';
import { AccessRequestsService } from './access-requests.service.js';

export const ACCESS_REQUEST_EXPIRY_JOB = 'access-request-expiry' as const;

/** Registers `access-request-expiry` and enqueues it daily (the cron only enqueues). */
@Injectable()
export class AccessRequestExpiryJob implements OnModuleInit {
  private readonly logger = new Logger('AccessRequestExpiry');

  constructor(
    private readonly jobs: JobsService,
    private readonly requests: AccessRequestsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: ACCESS_REQUEST_EXPIRY_JOB, run: (asOf) => this.requests.expire(asOf) });
  }

  /**
   * Daily at 00:20 hospital time. Reads already treat a pending request past its expiry as expired,
   * so the job's timing decides only when the row and the requester's email catch up (within a day).
   */
  @Cron('20 0 * * *', { name: ACCESS_REQUEST_EXPIRY_JOB, timeZone: HOSPITAL_TIME_ZONE })
  async enqueueDaily(): Promise<void> {
    if (!this.config.cronEnabled) return;
    await this.jobs.enqueue(ACCESS_REQUEST_EXPIRY_JOB, hospitalDate(this.clock.now())).catch((err: unknown) => {
      this.logger.error({ err }, 'could not enqueue access-request-expiry');
    });
  }
}
