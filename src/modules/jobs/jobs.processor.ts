import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { ProblemException } from '../../common/errors/problem.js';
import { JOBS, QUEUES } from '../../common/queue/queues.js';
import { JobsService, type JobRunResult, type ScheduledJobRun } from './jobs.service.js';

/** Runs the scheduled-job runs cron enqueued. */
@Processor(QUEUES.jobs)
export class JobsProcessor {
  constructor(private readonly jobs: JobsService) {}

  /** Validated and audited like the staff route (JobsService.runQueued); a refused run fails, it is not retried. */
  @Process(JOBS.runScheduledJob)
  async handle(job: Job<ScheduledJobRun>): Promise<JobRunResult> {
    try {
      return await this.jobs.runQueued(job.data);
    } catch (error) {
      if (error instanceof ProblemException && error.getStatus() < 500) {
        await job.discard();
        const { detail } = error.getResponse() as { detail?: string };
        throw new Error(`refused (${error.code}): ${detail ?? error.message}`);
      }
      throw error;
    }
  }
}
