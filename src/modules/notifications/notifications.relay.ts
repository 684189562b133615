import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bull';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { JOBS, QUEUES } from '../../common/queue/queues.js';
import { Clock } from '../../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { NotificationsRepository } from './notifications.repository.js';
import {
  batchJobId,
  batchJobOptions,
  chunk,
  readSendJob,
  type SendJobData,
  type SendNotificationsJob,
} from './send-batch.js';
import { inTransaction } from '../../database/sql.js';

export { OUTBOX_CHANNEL } from './notifications.repository.js';
/** Rows moved per transaction. */
export const RELAY_BATCH = 500;
/** A row `queued` this long whose job Redis no longer has (Redis lost its data) is queued again. */
export const STALE_QUEUED_MS = 15 * 60 * 1000;
/**
 * Backpressure: while this many emails may wait in Bull (waiting jobs × NOTIFICATION_BATCH_SIZE, an
 * upper bound), the relay leaves the rest `pending` in the outbox (durable, and no Redis memory for a
 * 500,000-email job run) and looks again after RELAY_BACKOFF_MS.
 */
export const RELAY_HIGH_WATER = 5_000;
const RELAY_BACKOFF_MS = 250;
/**
 * While a bulk job records (NotificationsService.whileBulkRecording) the relays hold delivery back, so
 * the job has the machine's cores; never longer than this, so a slow job cannot hold other emails for long.
 */
export const BULK_DEFERRAL_MAX_MS = 2 * 60 * 1000;
/** A wake-up waits this long so the rows of many commits go in one batch. */
const WAKE_DELAY_MS = 15;
/** How long one Redis round trip of the relay may take before the batch is given up (rows stay pending). */
const REDIS_TIMEOUT_MS = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Moves committed `pending` notifications to the Bull queue, NOTIFICATION_BATCH_SIZE ids per job
 * (jobId derived from the ids), and marks them `queued`, in one transaction per batch that locks
 * the rows with SKIP LOCKED: several instances share the work and never queue a row twice (and if
 * they did, the jobId makes Bull ignore the second). Woken promptly by LISTEN on a dedicated connection (record() notifies on
 * commit) and, as a safety net, by a periodic sweep: rows written while Redis was down, or whose
 * wake-up was missed, go out at the next sweep once Redis is back.
 */
@Injectable()
export class NotificationsRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('NotificationsRelay');
  private listener?: pg.Client;
  private sweepTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private wakeTimer?: NodeJS.Timeout;
  private backoffTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  /** When this relay first found a bulk recording in progress (monotonic ms), while it still is. */
  private deferringSince?: number;
  /** BULK_DEFERRAL_MAX_MS; tests shorten it. */
  maxBulkDeferralMs = BULK_DEFERRAL_MAX_MS;
  private deferralOverrun = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: NotificationsRepository,
    @InjectQueue(QUEUES.notifications) private readonly queue: Queue,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.notifications.sender) return; // the sender process (src/worker.ts) relays
    this.stopped = false;
    await this.listen().catch((error) => {
      this.logger.warn({ err: error }, 'outbox LISTEN failed; relying on the sweep until it reconnects');
      this.scheduleReconnect();
    });
    this.sweepTimer = setInterval(() => void this.kick(true), this.config.notifications.sweepMs);
    void this.kick(true);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.wakeTimer);
    clearTimeout(this.backoffTimer);
    const listener = this.listener;
    this.listener = undefined;
    if (listener) await listener.end().catch(() => undefined);
    await this.running?.catch(() => undefined);
  }

  /**
   * Runs a relay pass now, or right after the one in progress (wake-ups arriving during a pass are
   * coalesced into one more pass). Resolves when that pass is done.
   */
  kick(sweep = false): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      this.sweepAgain ||= sweep;
      return this.running;
    }
    this.running = (async () => {
      let doSweep = sweep;
      do {
        this.again = false;
        await this.pass(doSweep);
        doSweep = this.sweepAgain;
        this.sweepAgain = false;
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }
  private sweepAgain = false;

  private async pass(sweep: boolean): Promise<void> {
    try {
      while (!this.stopped) {
        if ((await this.deferringToBulkRecording()) || (await this.queueIsFull())) {
          this.backOff();
          break;
        }
        if ((await this.relayPending()) < RELAY_BATCH) break; // a full batch: there may be more
      }
      if (sweep && !this.stopped) await this.requeueStale();
    } catch (error) {
      // Redis or the database is unavailable: the rows stay pending and the next sweep tries again.
      this.logger.warn({ err: error }, 'outbox relay pass failed; will retry at the next sweep');
    }
  }

  /** Queues one batch of pending rows; returns how many it moved. */
  private async relayPending(): Promise<number> {
    if (!this.redisReady()) throw new Error('Redis is not connected');
    return inTransaction(this.dataSource, async (manager) => {
      const rows = await this.repository.lockPending(manager, RELAY_BATCH);
      if (rows.length === 0) return 0;
      await this.enqueue(rows);
      await this.repository.markQueued(
        manager,
        rows.map((r) => r.id),
        this.clock.now(),
      );
      return rows.length;
    });
  }

  /** Rows `queued` long ago whose job is gone from Redis (its data was lost): queue them again. */
  private async requeueStale(): Promise<void> {
    if (!this.redisReady()) return;
    await inTransaction(this.dataSource, async (manager) => {
      const rows = await this.repository.lockQueuedBefore(
        manager,
        new Date(this.clock.now().getTime() - STALE_QUEUED_MS),
        RELAY_BATCH,
      );
      if (rows.length === 0) return;
      const missing = await this.withoutLiveJob(rows.map((r) => r.id));
      if (missing.length) {
        this.logger.warn(
          { count: missing.length },
          'queued notifications missing from Redis; queueing them again',
        );
        await this.enqueue(
          missing.map((id) => ({ id, attempts: 0 })),
          true,
        );
      }
      await this.repository.markQueued(
        manager,
        rows.map((r) => r.id),
        this.clock.now(),
      );
    });
  }

  /**
   * The ids no live job carries. An email being retried has its own job (jobId = its id): one
   * lookup each. Only if some are not found, the batch jobs still waiting, running or delayed are
   * read (a bounded set: the relay stops at RELAY_HIGH_WATER).
   */
  private async withoutLiveJob(ids: string[]): Promise<string[]> {
    const unknown: string[] = [];
    for (const id of ids) {
      if (!(await withTimeout(this.queue.getJob(id), REDIS_TIMEOUT_MS, 'getJob'))) unknown.push(id);
    }
    if (unknown.length === 0) return [];
    const live = new Set<string>();
    const jobs = await withTimeout(
      this.queue.getJobs(['waiting', 'active', 'delayed', 'paused']),
      REDIS_TIMEOUT_MS,
      'getJobs',
    );
    for (const job of jobs) {
      if (job) for (const id of readSendJob(job.data as SendJobData, 0).ids) live.add(id);
    }
    return unknown.filter((id) => !live.has(id));
  }

  /**
   * Adds the rows' batch jobs. A row tried before (sent again by staff after it failed), or queued
   * again, may have a finished job in Redis under the same id — its retry job, or a batch job of the
   * same ids — which would make Bull ignore the new one: those are removed first.
   */
  private async enqueue(rows: Array<{ id: string; attempts: number }>, again = false): Promise<void> {
    const batches = chunk(rows, this.config.notifications.batchSize);
    for (const batch of batches) {
      const tried = batch.filter((r) => again || r.attempts > 0);
      if (tried.length === 0) continue;
      for (const jobId of [...tried.map((r) => r.id), batchJobId(batch.map((r) => r.id))]) {
        const old = await withTimeout(this.queue.getJob(jobId), REDIS_TIMEOUT_MS, 'getJob');
        if (old && ((await old.isFailed()) || (await old.isCompleted()))) await old.remove();
      }
    }
    await withTimeout(
      this.queue.addBulk(
        batches.map((batch) => {
          const ids = batch.map((r) => r.id);
          return {
            name: JOBS.sendNotification,
            data: { ids } satisfies SendNotificationsJob,
            opts: batchJobOptions(this.config.notifications, ids),
          };
        }),
      ),
      REDIS_TIMEOUT_MS,
      'queue.addBulk',
    );
  }

  /** Enough emails may wait in Bull already (one LLEN round trip): the rest can wait in the outbox. */
  private async queueIsFull(): Promise<boolean> {
    if (!this.redisReady()) throw new Error('Redis is not connected');
    const waitingJobs = await withTimeout(this.queue.getWaitingCount(), REDIS_TIMEOUT_MS, 'getWaitingCount');
    return waitingJobs * this.config.notifications.batchSize >= RELAY_HIGH_WATER;
  }

  /**
   * A bulk job is recording: every email (its own and any other) stays in the outbox until it ends —
   * its end wakes the relays — or until it has held delivery for maxBulkDeferralMs. Elapsed time is
   * measured on the monotonic clock: this is a duration, not a time of day.
   */
  private async deferringToBulkRecording(): Promise<boolean> {
    if (!(await this.repository.bulkRecordingInProgress())) {
      this.deferringSince = undefined;
      this.deferralOverrun = false;
      return false;
    }
    const now = performance.now();
    this.deferringSince ??= now;
    if (now - this.deferringSince < this.maxBulkDeferralMs) return true;
    if (!this.deferralOverrun) {
      this.deferralOverrun = true;
      this.logger.warn(
        { heldMs: Math.round(now - this.deferringSince) },
        'a bulk recording has held delivery too long; relaying',
      );
    }
    return false;
  }

  /** Looks again shortly, when the sender has taken some of the waiting jobs (or a bulk recording has ended). */
  private backOff(): void {
    if (this.stopped || this.backoffTimer) return;
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
      void this.kick();
    }, RELAY_BACKOFF_MS);
  }

  private redisReady(): boolean {
    return this.queue.client.status === 'ready';
  }

  private async listen(): Promise<void> {
    const client: pg.Client = await this.repository.listen(this.config.databaseUrl, {
      onNotify: () => this.wake(),
      onError: (failed, error) => {
        this.logger.warn({ err: error }, 'outbox LISTEN connection lost');
        if (this.listener === failed) this.listener = undefined;
        failed.end().catch(() => undefined);
        this.scheduleReconnect();
      },
    });
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    // Anything committed while we were not listening is picked up now rather than at the next sweep.
    void this.kick();
  }

  /** A commit's wake-up: a pass shortly, shared with the other commits of that moment. */
  private wake(): void {
    if (this.stopped || this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      void this.kick();
    }, WAKE_DELAY_MS);
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.stopped) return;
      this.listen().catch(() => this.scheduleReconnect());
    }, 2_000);
  }
}
