import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JOBS, QUEUES } from '../../common/queue/queues.js';
import { JobsService, type JobRunResult, type ScheduledJobRun } from './jobs.service.js';

/** Runs the scheduled-job runs cron enqueued. */
@Processor(QUEUES.jobs)
export class JobsProcessor {
  constructor(private readonly jobs: JobsService) {}

  @Process(JOBS.runScheduledJob)
  handle(job: Job<ScheduledJobRun>): Promise<JobRunResult> {
    return this.jobs.run(job.data.name, job.data.asOf);
  }
}
