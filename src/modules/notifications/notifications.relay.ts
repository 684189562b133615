import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { JOBS, notificationJobOptions, QUEUES } from '../../common/queue/queues.js';
import { Clock } from '../../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { NotificationsRepository } from './notifications.repository.js';

export { OUTBOX_CHANNEL } from './notifications.repository.js';
/** Rows moved per transaction. */
export const RELAY_BATCH = 500;
/** A row `queued` this long whose job Redis no longer has (Redis lost its data) is queued again. */
export const STALE_QUEUED_MS = 15 * 60 * 1000;
/**
 * Backpressure: while this many jobs wait in Bull, the relay leaves the rest `pending` in the outbox
 * (durable, and no Redis memory for a 500,000-email job run) and looks again after RELAY_BACKOFF_MS.
 */
export const RELAY_HIGH_WATER = 5_000;
const RELAY_BACKOFF_MS = 250;
/** A wake-up waits this long so the rows of many commits go in one batch. */
const WAKE_DELAY_MS = 15;
/** How long one Redis round trip of the relay may take before the batch is given up (rows stay pending). */
const REDIS_TIMEOUT_MS = 5_000;

export interface SendNotificationJob {
  id: string;
}

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
 * Moves committed `pending` notifications to the Bull queue (jobId = notification id) and marks
 * them `queued`, in one transaction per batch that locks the rows with SKIP LOCKED: several
 * instances share the work and never queue a row twice (and if they did, the jobId makes Bull
 * ignore the second). Woken promptly by LISTEN on a dedicated connection (record() notifies on
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
  private readonly jobOptions: JobOptions;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: NotificationsRepository,
    @InjectQueue(QUEUES.notifications) private readonly queue: Queue,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.jobOptions = notificationJobOptions(config.notifications);
  }

  async onApplicationBootstrap(): Promise<void> {
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
        if (await this.queueIsFull()) {
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
    return this.dataSource.transaction(async (manager) => {
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
    await this.dataSource.transaction(async (manager) => {
      const rows = await this.repository.lockQueuedBefore(manager, new Date(this.clock.now().getTime() - STALE_QUEUED_MS), RELAY_BATCH);
      if (rows.length === 0) return;
      const missing: Array<{ id: string; attempts: number }> = [];
      for (const row of rows) {
        const job = await withTimeout(this.queue.getJob(row.id), REDIS_TIMEOUT_MS, 'getJob');
        if (!job) missing.push({ id: row.id, attempts: 0 });
      }
      if (missing.length) {
        this.logger.warn({ count: missing.length }, 'queued notifications missing from Redis; queueing them again');
        await this.enqueue(missing);
      }
      await this.repository.markQueued(
        manager,
        rows.map((r) => r.id),
        this.clock.now(),
      );
    });
  }

  private async enqueue(rows: Array<{ id: string; attempts: number }>): Promise<void> {
    // A row tried before (sent again by staff after it failed) may still have its finished job in
    // Redis under the same id, which would make Bull ignore the new one: remove it first.
    for (const row of rows.filter((r) => r.attempts > 0)) {
      const old = await withTimeout(this.queue.getJob(row.id), REDIS_TIMEOUT_MS, 'getJob');
      if (old && ((await old.isFailed()) || (await old.isCompleted()))) await old.remove();
    }
    await withTimeout(
      this.queue.addBulk(
        rows.map((r) => ({
          name: JOBS.sendNotification,
          data: { id: r.id } satisfies SendNotificationJob,
          opts: { ...this.jobOptions, jobId: r.id },
        })),
      ),
      REDIS_TIMEOUT_MS,
      'queue.addBulk',
    );
  }

  /** Enough jobs wait in Bull already (one LLEN round trip): the rest can wait in the outbox. */
  private async queueIsFull(): Promise<boolean> {
    if (!this.redisReady()) throw new Error('Redis is not connected');
    return (await withTimeout(this.queue.getWaitingCount(), REDIS_TIMEOUT_MS, 'getWaitingCount')) >= RELAY_HIGH_WATER;
  }

  /** Looks again shortly, when the sender has taken some of the waiting jobs. */
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
