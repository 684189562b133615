import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, notFound } from '../../common/errors/problem.js';
import {
  JOBS,
  QUEUES,
  SCHEDULED_JOB_OPTIONS,
  scheduledJobId,
  type ScheduledJobName,
} from '../../common/queue/queues.js';
import { Clock } from '../../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { hospitalDate } from '../../common/time/hospital-time.js';
import { AuditService } from '../audit/index.js';
import { asOfProblem } from './as-of.policy.js';
import { JobsRepository } from './jobs.repository.js';

export interface ScheduledJobHandler {
  name: ScheduledJobName;
  /** Does the job's work for the hospital date `asOf` (YYYY-MM-DD); returns how many rows it affected. */
  run(asOf: string): Promise<number>;
}

export interface JobStatus {
  name: ScheduledJobName;
  lastRunAt: Date | null;
  lastAsOf: string | null;
  lastAffected: number | null;
  lastStatus: 'succeeded' | 'failed' | null;
}

export interface JobRunResult {
  job: ScheduledJobName;
  asOf: string;
  affected: number;
}

/** Bull job data of one run. */
export interface ScheduledJobRun {
  name: string;
  asOf: string;
}

/**
 * The registry of scheduled jobs, filled at start from the `@ScheduledJob` declarations
 * (jobs.explorer.ts). Cron only enqueues (deterministic jobId `name:asOf`); every run takes a
 * PostgreSQL advisory lock so a job runs once at a time across instances.
 */
@Injectable()
export class JobsService {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<ScheduledJobName, ScheduledJobHandler>();

  constructor(
    private readonly repository: JobsRepository,
    @InjectQueue(QUEUES.jobs) private readonly queue: Queue,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Called by the explorer for each `@ScheduledJob` it discovers (declare jobs with the decorator, not with this). */
  register(handler: ScheduledJobHandler): void {
    this.handlers.set(handler.name, handler);
  }

  /** The names of the jobs registered, in registration order. */
  names(): ScheduledJobName[] {
    return [...this.handlers.keys()];
  }

  has(name: string): name is ScheduledJobName {
    return this.handlers.has(name as ScheduledJobName);
  }

  async run(name: string, asOf: string): Promise<JobRunResult> {
    const handler = this.handlers.get(name as ScheduledJobName);
    if (!handler) throw notFound(`No job named "${name}".`);
    return this.repository.withAdvisoryLock(`job:${name}`, async () => {
      let affected: number;
      try {
        affected = await handler.run(asOf);
      } catch (error) {
        await this.recordRun(handler.name, asOf, null, 'failed');
        throw error;
      }
      this.logger.log({ job: name, asOf, affected }, 'job run');
      await this.recordRun(handler.name, asOf, affected, 'succeeded');
      return { job: handler.name, asOf, affected };
    });
  }

  /** `GET /staff/jobs`: every registered job with its last run (nulls when it never ran). */
  async lastRuns(): Promise<JobStatus[]> {
    const runs = new Map((await this.repository.lastRuns()).map((r) => [r.name, r]));
    return this.names().map((name) => {
      const run = runs.get(name);
      return {
        name,
        lastRunAt: run?.lastRunAt ?? null,
        lastAsOf: run?.lastAsOf ?? null,
        lastAffected: run?.lastAffected ?? null,
        lastStatus: run?.lastStatus ?? null,
      };
    });
  }

  /** Bookkeeping only: a failure to record must not turn a finished run into a failed one. */
  private async recordRun(
    name: ScheduledJobName,
    asOf: string,
    affected: number | null,
    status: 'succeeded' | 'failed',
  ): Promise<void> {
    try {
      await this.repository.recordRun({
        name,
        lastRunAt: this.clock.now(),
        lastAsOf: asOf,
        lastAffected: affected,
        lastStatus: status,
      });
    } catch (error) {
      this.logger.warn({ job: name, err: error }, 'could not record the job run');
    }
  }

  /** `POST /staff/jobs/:name/run`: runs now for `asOf` (default today, hospital time) and audits the run. */
  async runForStaff(
    user: AuthUser,
    name: string,
    asOf = hospitalDate(this.clock.now()),
  ): Promise<JobRunResult> {
    this.assertAsOf(asOf);
    const result = await this.run(name, asOf);
    await this.audit.record({
      actorId: user.id,
      actorKind: user.kind,
      action: 'staff.job_run',
      outcome: 'success',
      details: { ...result },
    });
    return result;
  }

  /**
   * A run taken from the queue (cron's, or anything else that wrote to it): the same `asOf` bounds
   * as the staff route, and audited as the system's run — the queue is no unaudited way in.
   */
  async runQueued(data: Partial<ScheduledJobRun>): Promise<JobRunResult> {
    const name = typeof data?.name === 'string' ? data.name : '';
    const asOf = typeof data?.asOf === 'string' ? data.asOf : '';
    const entry = { actorId: null, actorKind: 'system', action: 'job.run' } as const;
    try {
      this.assertAsOf(asOf);
      if (!this.has(name)) throw notFound(`No job named "${name}".`);
    } catch (refusal) {
      await this.audit.record({
        ...entry,
        outcome: 'denied',
        details: { job: name.slice(0, 60), asOf: asOf.slice(0, 20), source: 'queue' },
      });
      throw refusal;
    }
    const result = await this.run(name, asOf);
    await this.audit.record({ ...entry, outcome: 'success', details: { ...result, source: 'queue' } });
    return result;
  }

  /** 400 `validation_failed` (field `asOf`) unless `asOf` is a date the jobs may run for. */
  private assertAsOf(asOf: string): void {
    const problem = asOfProblem(asOf, hospitalDate(this.clock.now()), this.config.allowFutureAsOf);
    if (problem)
      throw badRequest('validation_failed', problem.detail, {
        errors: [{ field: 'asOf', message: problem.message }],
      });
  }

  /** Cron's part: put the run on the queue once per job and date. */
  async enqueue(name: ScheduledJobName, asOf: string): Promise<void> {
    await this.queue.add(JOBS.runScheduledJob, { name, asOf } satisfies ScheduledJobRun, {
      ...SCHEDULED_JOB_OPTIONS,
      jobId: scheduledJobId(name, asOf),
    });
  }
}
