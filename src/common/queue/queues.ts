import type { JobOptions } from 'bull';

/** Every Bull queue, job name and default job option lives here. */
export const QUEUES = {
  notifications: 'notifications',
  jobs: 'scheduled-jobs',
} as const;

export const JOBS = {
  sendNotification: 'send-notification',
  runScheduledJob: 'run-scheduled-job',
} as const;

/**
 * Names of the scheduled jobs (`POST /staff/jobs/:name/run`). Each is declared once, with its cron,
 * by `@ScheduledJob({ name, cron, timeZone })` on a provider method (src/modules/jobs).
 */
export const SCHEDULED_JOB_NAMES = [
  'sponsor-validation-open',
  'sponsor-validation-remind',
  'sponsor-validation-enforce',
  'access-request-expiry',
  'access-grant-expiry',
  'pcp-update-overdue',
] as const;
export type ScheduledJobName = (typeof SCHEDULED_JOB_NAMES)[number];

/** Email delivery retries for hours, not seconds: 10 attempts from 1 minute doubling (~17 h in all). */
export const NOTIFICATION_JOB_OPTIONS: JobOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 60_000 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
};

/** The options of one email job: NOTIFICATION_JOB_OPTIONS with the configured attempts and backoff (NOTIFICATION_ATTEMPTS, NOTIFICATION_BACKOFF_MS). */
export function notificationJobOptions(settings: { attempts: number; backoffMs: number }): JobOptions {
  return {
    ...NOTIFICATION_JOB_OPTIONS,
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
  };
}

/** A scheduled job's run is retried for a few minutes (its work is idempotent). */
export const SCHEDULED_JOB_OPTIONS: JobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: 100,
  removeOnFail: 500,
};

/** One run per job and hospital date: a second enqueue of the same run is ignored by Bull. */
export const scheduledJobId = (name: ScheduledJobName, asOf: string) => `${name}:${asOf}`;
