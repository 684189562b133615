import { createHash } from 'node:crypto';
import type { JobOptions } from 'bull';
import { notificationJobOptions } from '../../common/queue/queues.js';

/**
 * The data of a `send-notification` job: the outbox ids it sends. A job made by the relay carries up
 * to NOTIFICATION_BATCH_SIZE ids and is their first attempt; a job retrying one email carries one id
 * and the number of that email's attempt it starts at (`firstAttempt`, ≥ 2).
 */
export interface SendNotificationsJob {
  ids: string[];
  firstAttempt?: number;
}

/** A job queued before batching (one id, jobId = the id): still accepted, as a one-email retry job from attempt 1. */
export interface LegacySendNotificationJob {
  id: string;
}

export type SendJobData = SendNotificationsJob | LegacySendNotificationJob;

/** The ids of a job, the attempt number of its run, and whether it is a one-email job retried by Bull itself. */
export function readSendJob(
  data: SendJobData,
  attemptsMade: number,
): { ids: string[]; attempt: number; perEmail: boolean } {
  if ('ids' in data) {
    return {
      ids: data.ids,
      attempt: (data.firstAttempt ?? 1) + attemptsMade,
      perEmail: data.firstAttempt !== undefined,
    };
  }
  return { ids: [data.id], attempt: 1 + attemptsMade, perEmail: true };
}

/**
 * A batch's jobId, derived from its ids (in any order): the same set queued twice is one job (Bull
 * ignores the second add). Never a notification id, which is the jobId of that email's retry job.
 */
export function batchJobId(ids: string[]): string {
  return `batch-${createHash('sha256')
    .update([...ids].sort().join(','))
    .digest('hex')
    .slice(0, 32)}`;
}

/** Splits in order into runs of at most `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}

/**
 * A batch job's options: the email job defaults (src/common/queue/queues.ts). Its own attempts and
 * backoff only apply when the job itself fails (the database or Redis unavailable); an email that
 * fails is retried by its own job (retryJobOptions) and the batch completes.
 */
export function batchJobOptions(
  settings: { attempts: number; backoffMs: number },
  ids: string[],
): JobOptions {
  return { ...notificationJobOptions(settings), jobId: batchJobId(ids) };
}

/**
 * The retry job of one email whose attempt `failedAttempt` failed (jobId = the notification id): the
 * next attempt after `backoffMs`, then Bull's exponential backoff from 2 × `backoffMs` — after attempt
 * k the wait is (2^(k-1) − 1) × 2 × backoffMs: 1, 2, 6, 14, 30 … × backoffMs — until `attempts` in all.
 */
export function retryJobOptions(
  settings: { attempts: number; backoffMs: number },
  id: string,
  failedAttempt: number,
): JobOptions {
  return {
    ...notificationJobOptions({
      attempts: settings.attempts - failedAttempt,
      backoffMs: settings.backoffMs * 2,
    }),
    jobId: id,
    delay: settings.backoffMs,
  };
}
