import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, notFound } from '../../common/errors/problem.js';
import { JOBS, QUEUES, SCHEDULED_JOB_OPTIONS, scheduledJobId, type ScheduledJobName } from '../../common/queue/queues.js';
import { Clock } from '../../common/time/clock.js';
import { hospitalDate, isIsoDate } from '../../common/time/hospital-time.js';
import { AuditService } from '../audit/index.js';
import { JobsRepository } from './jobs.repository.js';

/** Job date arithmetic (and PostgreSQL timestamps) need a sane year: 9999-12-31 plus a day broke it (500). */
const ASOF_MIN = '2000-01-01';
const ASOF_MAX = '2199-12-31';

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
      const affected = await handler.run(asOf);
      this.logger.log({ job: name, asOf, affected }, 'job run');
      return { job: handler.name, asOf, affected };
    });
  }

  /** `POST /staff/jobs/:name/run`: runs now for `asOf` (default today, hospital time) and audits the run. */
  async runForStaff(user: AuthUser, name: string, asOf = hospitalDate(this.clock.now())): Promise<JobRunResult> {
    if (!isIsoDate(asOf)) {
      throw badRequest('validation_failed', 'asOf is not a calendar date.', {
        errors: [{ field: 'asOf', message: 'asOf must be a real calendar date' }],
      });
    }
    if (asOf < ASOF_MIN || asOf > ASOF_MAX) {
      throw badRequest('validation_failed', 'asOf is out of range.', {
        errors: [{ field: 'asOf', message: `asOf must be between ${ASOF_MIN} and ${ASOF_MAX}` }],
      });
    }
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

  /** Cron's part: put the run on the queue once per job and date. */
  async enqueue(name: ScheduledJobName, asOf: string): Promise<void> {
    await this.queue.add(JOBS.runScheduledJob, { name, asOf } satisfies ScheduledJobRun, {
      ...SCHEDULED_JOB_OPTIONS,
      jobId: scheduledJobId(name, asOf),
    });
  }
}
