import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { badRequest } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { isIsoDate } from '../../common/time/hospital-time.js';
import { lastDayOf } from './validation-period.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AccountLifecycleService } from '../identity/index.js';
import { NotificationsService } from '../notifications/index.js';
import { SponsorValidationsRepository } from './sponsor-validations.repository.js';
import { validationWindow } from './validation-period.js';
import { inTransaction } from '../../database/sql.js';

export const VALIDATION_JOBS = {
  open: 'sponsor-validation-open',
  remind: 'sponsor-validation-remind',
  enforce: 'sponsor-validation-enforce',
} as const;

const FIRST_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * The semiannual validation of sponsored users, as three set-based jobs. Each works in committed
 * batches of whole sponsors (a handful of statements per batch, in one transaction, so a batch is
 * all or nothing), marks what it did in rows guarded by unique constraints, and records its emails
 * in the outbox in the same transaction with deterministic idempotency keys: a second run, a
 * concurrent run on another instance, or a re-run after a crash finds nothing left to do for what
 * was already committed. Declared as scheduled jobs in validation.scheduler.ts.
 */
@Injectable()
export class ValidationJobsService {
  private readonly logger = new Logger('SponsorValidationJobs');
  /** Sponsors (open) or validations (enforce) per committed batch (JOB_BATCH_SIZE). Tests lower it. */
  batchSize: number;
  /** Enforce batches committed at once (JOB_CONCURRENCY). Tests change it. */
  concurrency: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly validations: SponsorValidationsRepository,
    private readonly lifecycle: AccountLifecycleService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.batchSize = config.jobBatchSize;
    this.concurrency = config.jobConcurrency;
  }

  /**
   * Opens the validation of the period containing `asOf` for every sponsor who has current
   * sponsored users, has none for that period yet and has no other validation still open.
   * Lists their current sponsored users and emails the sponsor. Returns validations opened.
   */
  async open(asOf: string): Promise<number> {
    assertDate(asOf);
    const window = validationWindow(asOf);
    const opened = await this.notifications.whileBulkRecording(() => this.openBatches(window));
    this.logger.log({ asOf, period: window.period, opened }, 'validations opened');
    return opened;
  }

  private async openBatches(window: ReturnType<typeof validationWindow>): Promise<number> {
    let after = FIRST_UUID;
    let opened = 0;
    for (;;) {
      const now = this.clock.now();
      const batch = await inTransaction(this.dataSource, async (manager) => {
        const result = await this.validations.openBatch(
          {
            after,
            period: window.period,
            limit: this.batchSize,
            now,
            dueDate: window.dueDate,
            dueAt: window.dueAt,
          },
          manager,
        );
        await this.notifications.recordMany(
          manager,
          'sponsor-validation-opened',
          result.opened.map((v) => ({
            to: v.email,
            data: {
              firstName: v.firstName,
              lastName: v.lastName,
              period: window.period,
              dueDate: window.dueDate,
              lastDay: lastDayOf(window.dueDate),
              userCount: v.userCount,
            },
            idempotencyKey: `sponsor-validation-opened:${v.validationId}`,
          })),
        );
        return result;
      });
      opened += batch.opened.length;
      if (!batch.last) break;
      after = batch.last;
    }
    return opened;
  }

  /**
   * Sends the reminder due on `asOf` for every open validation 14, 7 or 1 days before its due
   * date (a missed day is caught up by the next run: 13 days left still sends the 14-day one).
   * The reminder rows' primary key makes each reminder go out once. Returns reminders recorded.
   */
  async remind(asOf: string): Promise<number> {
    assertDate(asOf);
    const now = this.clock.now();
    const reminded = await this.notifications.whileBulkRecording(() =>
      inTransaction(this.dataSource, async (manager) => {
        const recorded = await this.validations.recordDueReminders(asOf, now, manager);
        await this.notifications.recordMany(
          manager,
          'sponsor-validation-reminder',
          recorded
            .filter((r) => r.notify && r.email)
            .map((r) => ({
              to: r.email as string,
              data: {
                firstName: r.firstName ?? '',
                lastName: r.lastName ?? '',
                period: r.period,
                dueDate: r.dueDate,
                lastDay: lastDayOf(r.dueDate),
                daysLeft: r.daysLeft,
              },
              idempotencyKey: `sponsor-validation-reminder:${r.validationId}:${r.daysBefore}`,
            })),
        );
        return recorded.length;
      }),
    );
    this.logger.log({ asOf, reminded }, 'validation reminders');
    return reminded;
  }

  /**
   * Locks (`validation_overdue`) every sponsor whose open validation was due on or before `asOf`,
   * and all of their sponsored users (invited ones included), and emails each of them. A validation
   * that lists nobody any more (all removed meanwhile) locks no one and is closed as completed. A
   * validation is enforced once (`enforced_at`); batches are taken with FOR UPDATE SKIP LOCKED so
   * concurrent runs share the work instead of repeating it — and so do this run's own
   * JOB_CONCURRENCY loops (its writes are row by row: a second loop uses the database's second
   * core). Per batch: one statement marks the validations, one locks the accounts (identity), one
   * records each template's emails; delivery waits until the run ends (whileBulkRecording).
   * Returns validations enforced.
   */
  async enforce(asOf: string): Promise<number> {
    assertDate(asOf);
    // Concurrent loops take different batches (SKIP LOCKED); each ends when none is left, or after
    // its current batch once another has failed. Every loop is waited for, so the run is over (or has
    // failed) only when no batch of it is in flight.
    const halt = { failed: false };
    const loops = await this.notifications.whileBulkRecording(() =>
      Promise.allSettled(Array.from({ length: this.concurrency }, () => this.enforceBatches(asOf, halt))),
    );
    const failed = loops.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
    const enforced = loops.reduce((sum, l) => sum + (l as PromiseFulfilledResult<number>).value, 0);
    this.logger.log({ asOf, enforced }, 'validations enforced');
    return enforced;
  }

  /** One enforce loop: batch after batch until no overdue validation is left unlocked. Returns validations enforced. */
  private async enforceBatches(asOf: string, halt: { failed: boolean }): Promise<number> {
    let enforced = 0;
    while (!halt.failed) {
      const count = await this.enforceBatch(asOf, halt);
      enforced += count;
      if (count === 0) break;
    }
    return enforced;
  }

  /** One committed batch: its validations marked, their accounts locked, their emails recorded. Returns validations marked. */
  private enforceBatch(asOf: string, halt: { failed: boolean }): Promise<number> {
    const now = this.clock.now();
    return inTransaction(this.dataSource, (manager) =>
      this.enforceIn(manager, asOf, now).catch((error: unknown) => {
        halt.failed = true; // before the rollback: no other loop starts a batch after this one failed
        throw error;
      }),
    );
  }

  /** The batch's statements, in the caller's transaction. */
  private async enforceIn(manager: EntityManager, asOf: string, now: Date): Promise<number> {
    const marked = await this.validations.markOverdueBatch(asOf, now, this.batchSize, manager);
    if (marked.length === 0) return 0;
    // A sponsor whose validation lists nobody any more has nothing to review: not locked (the statement closed it).
    const bySponsor = new Map(marked.filter((v) => v.listedCount > 0).map((v) => [v.sponsorId, v]));
    const byMember = new Map(marked.flatMap((v) => v.memberIds.map((id) => [id, v] as const)));
    const locked = await this.lifecycle.lockForOverdueValidation(manager, [
      ...bySponsor.keys(),
      ...byMember.keys(),
    ]);

    const sponsors = locked.filter((a) => bySponsor.has(a.id));
    const members = locked.filter((a) => byMember.has(a.id));
    await this.notifications.recordMany(
      manager,
      'sponsor-locked',
      sponsors.map((s) => {
        const v = bySponsor.get(s.id)!;
        return {
          to: s.email,
          data: { firstName: s.firstName, lastName: s.lastName, period: v.period },
          idempotencyKey: `sponsor-locked:${v.validationId}`,
        };
      }),
    );
    await this.notifications.recordMany(
      manager,
      'sponsored-user-locked',
      members.map((m) => {
        const v = byMember.get(m.id)!;
        return {
          to: m.email,
          data: {
            firstName: m.firstName,
            lastName: m.lastName,
            sponsorName: `${v.sponsorFirstName} ${v.sponsorLastName}`,
          },
          idempotencyKey: `sponsored-user-locked:${v.validationId}:${m.id}`,
        };
      }),
    );
    return marked.length;
  }
}

function assertDate(asOf: string): void {
  if (typeof asOf !== 'string' || !isIsoDate(asOf)) {
    throw badRequest('validation_failed', 'asOf is not a calendar date.', {
      errors: [{ field: 'asOf', message: 'asOf must be a real calendar date' }],
    });
  }
}
