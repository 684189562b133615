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

/** Names of the scheduled jobs staff can run with `POST /staff/jobs/:name/run`. */
export const SCHEDULED_JOB_NAMES = [
  'sponsor-validation-open',
  'sponsor-validation-remind',
  'sponsor-validation-enforce',
  'access-request-expiry',
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

export const SCHEDULED_JOB_OPTIONS: JobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: 100,
  removeOnFail: 500,
};

export const scheduledJobId = (name: ScheduledJobName, asOf: string) => `${name}:${asOf}`;
