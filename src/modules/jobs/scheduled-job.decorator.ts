import { SetMetadata } from '@nestjs/common';
import type { ScheduledJobName } from '../../common/queue/queues.js';
import type { BusinessCalendar } from '../../common/time/business-calendar.js';

export const SCHEDULED_JOB = Symbol('scheduled-job');

export interface ScheduledJobOptions {
  /** The job's name: `POST /staff/jobs/:name/run` and the queue know it (names in common/queue/queues.ts). */
  name: ScheduledJobName;
  /** Cron expression, in `timeZone`. */
  cron: string;
  timeZone: 'America/New_York';
  /** Cron enqueues only on business days (BusinessCalendar); a run by staff is not restricted. */
  businessDaysOnly?: boolean;
}

/** A declared job: its options and the provider method that does its work. */
export interface DeclaredScheduledJob extends ScheduledJobOptions {
  method: string;
}

/** The signature a job method must have: the work for hospital date `asOf` (YYYY-MM-DD), returning rows affected. */
export type ScheduledJobMethod = (asOf: string) => Promise<number>;

/**
 * Declares a scheduled job on a provider method `(asOf: string) => Promise<number>`. JobsModule
 * discovers it at start: registers the name (runnable by staff and by the queue) and, when
 * `config.cronEnabled`, schedules the cron, which only enqueues the run for today's hospital date.
 * The method does the work and must be idempotent (by database constraint) and set-based.
 */
export function ScheduledJob(options: ScheduledJobOptions) {
  return <M extends ScheduledJobMethod>(
    target: object,
    method: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ) => {
    SetMetadata(SCHEDULED_JOB, options)(target, method, descriptor);
    return descriptor;
  };
}

/** The jobs a provider class declares (what JobsModule discovers; unit specs assert cron and time zone with it). */
export function declaredScheduledJobs(
  type: abstract new (...args: never[]) => unknown,
): DeclaredScheduledJob[] {
  const found: DeclaredScheduledJob[] = [];
  for (
    let proto = type.prototype as object | null;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const method of Object.getOwnPropertyNames(proto)) {
      if (method === 'constructor') continue;
      const fn = Object.getOwnPropertyDescriptor(proto, method)?.value;
      const options =
        typeof fn === 'function'
          ? (Reflect.getMetadata(SCHEDULED_JOB, fn) as ScheduledJobOptions | undefined)
          : undefined;
      if (options && !found.some((j) => j.method === method)) found.push({ ...options, method });
    }
  }
  return found;
}

/** Whether the job's cron enqueues a run on hospital date `today` (a staff run is never restricted). */
export function cronRunsOn(
  job: Pick<ScheduledJobOptions, 'businessDaysOnly'>,
  today: string,
  calendar: Pick<BusinessCalendar, 'isBusinessDay'>,
): boolean {
  return !job.businessDaysOnly || calendar.isBusinessDay(today);
}
