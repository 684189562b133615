import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { notFound } from '../../common/errors/problem.js';
import {
  JOBS,
  QUEUES,
  SCHEDULED_JOB_OPTIONS,
  scheduledJobId,
  type ScheduledJobName,
} from '../../common/queue/queues.js';

export interface ScheduledJobHandler {
  name: ScheduledJobName;
  /** Does the job's work for the hospital date `asOf` (YYYY-MM-DD); returns how many rows it affected. */
  run(asOf: string): Promise<number>;
}

export interface JobRunResult {
  job: ScheduledJobName;
  asOf: string;
  affected: number;
}

/**
 * The registry of scheduled jobs. Modules register their handler at start; cron methods only
 * enqueue (deterministic jobId `name:asOf`), and every run takes a PostgreSQL advisory lock so a
 * job runs once at a time across instances. Handlers are idempotent by database constraint.
 */
@Injectable()
export class JobsService {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<ScheduledJobName, ScheduledJobHandler>();

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.jobs) private readonly queue: Queue,
  ) {}

  register(handler: ScheduledJobHandler): void {
    this.handlers.set(handler.name, handler);
  }

  has(name: string): name is ScheduledJobName {
    return this.handlers.has(name as ScheduledJobName);
  }

  async run(name: string, asOf: string): Promise<JobRunResult> {
    const handler = this.handlers.get(name as ScheduledJobName);
    if (!handler) throw notFound(`No job named "${name}".`);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [`job:${name}`]);
      try {
        const affected = await handler.run(asOf);
        this.logger.log({ job: name, asOf, affected }, 'job run');
        return { job: handler.name, asOf, affected };
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`job:${name}`]);
      }
    } finally {
      await runner.release();
    }
  }

  /** Cron's part: put the run on the queue once per job and date. */
  async enqueue(name: ScheduledJobName, asOf: string): Promise<void> {
    await this.queue.add(JOBS.runScheduledJob, { name, asOf }, { ...SCHEDULED_JOB_OPTIONS, jobId: scheduledJobId(name, asOf) });
  }
}
