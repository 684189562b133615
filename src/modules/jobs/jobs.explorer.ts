import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { BusinessCalendar } from '../../common/time/business-calendar.js';
import { Clock } from '../../common/time/clock.js';
import { hospitalDate } from '../../common/time/hospital-time.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { JobsService } from './jobs.service.js';
import {
  cronRunsOn,
  declaredScheduledJobs,
  type DeclaredScheduledJob,
  type ScheduledJobMethod,
} from './scheduled-job.decorator.js';

/**
 * Finds every `@ScheduledJob` method of every provider at start, registers it with JobsService
 * (the job-name list of the staff route and the queue), and — only when `config.cronEnabled` —
 * schedules its cron through SchedulerRegistry. A cron tick only enqueues the run for today's
 * hospital date (deterministic jobId); an enqueue that fails (Redis down) is logged, and the next
 * tick or a staff run catches up.
 */
@Injectable()
export class JobsExplorer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly crons = new Map<string, CronJob>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly jobs: JobsService,
    private readonly schedulers: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly calendar: BusinessCalendar,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const seen = new Map<string, string>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.metatype || wrapper.isAlias) continue;
      for (const job of declaredScheduledJobs(instance.constructor as abstract new () => unknown)) {
        const where = `${instance.constructor.name}.${job.method}`;
        const other = seen.get(job.name);
        if (other && other !== where)
          throw new Error(`Scheduled job "${job.name}" is declared twice: ${other} and ${where}`);
        if (other) continue;
        seen.set(job.name, where);
        const method = (instance[job.method] as ScheduledJobMethod).bind(instance);
        this.jobs.register({ name: job.name, run: method });
        if (this.config.cronEnabled) this.schedule(job);
      }
    }
  }

  onApplicationShutdown(): void {
    for (const [name, cron] of this.crons) {
      void cron.stop();
      // ScheduleModule may have cleared its registry on shutdown already.
      if (this.schedulers.doesExist('cron', name)) this.schedulers.deleteCronJob(name);
    }
    this.crons.clear();
  }

  /** What a cron tick does: enqueue today's run (business days only when declared so). Exposed for tests. */
  async tick(job: Pick<DeclaredScheduledJob, 'name' | 'businessDaysOnly'>): Promise<boolean> {
    const today = hospitalDate(this.clock.now());
    if (!cronRunsOn(job, today, this.calendar)) return false;
    try {
      await this.jobs.enqueue(job.name, today);
      return true;
    } catch (err) {
      this.logger.error({ err, job: job.name, asOf: today }, 'could not enqueue scheduled job');
      return false;
    }
  }

  private schedule(job: DeclaredScheduledJob): void {
    const cron = CronJob.from({
      cronTime: job.cron,
      timeZone: job.timeZone,
      onTick: () => void this.tick(job),
      start: false,
    });
    this.schedulers.addCronJob(job.name, cron as unknown as Parameters<SchedulerRegistry['addCronJob']>[1]);
    cron.start();
    this.crons.set(job.name, cron);
  }
}
