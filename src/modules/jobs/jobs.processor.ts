import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JOBS, QUEUES } from '../../common/queue/queues.js';
import { JobsService } from './jobs.service.js';

@Processor(QUEUES.jobs)
export class JobsProcessor {
  constructor(private readonly jobs: JobsService) {}

  @Process(JOBS.runScheduledJob)
  async handle(job: Job<{ name: string; asOf: string }>) {
    return this.jobs.run(job.data.name, job.data.asOf);
  }
}
