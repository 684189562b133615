import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../src/common/time/clock.js';
import { isIsoDate } from '../../src/common/time/hospital-time.js';
import { badRequest } from '../../src/common/errors/problem.js';
import { JobsService } from '../../src/modules/jobs/jobs.service.js';
import { REMINDER_DAYS, validationWindow } from '../../src/modules/sponsorship/validation-period.js';

const VALIDATION_JOBS = {
  open: 'sponsor-validation-open',
  remind: 'sponsor-validation-remind',
  enforce: 'sponsor-validation-enforce',
} as const;

/** Sponsored accounts a sponsor answers for: not invited (not yet theirs), not deactivated. */
const CURRENT_SPONSORED = `su.kind = 'sponsored' AND su.status IN ('active', 'locked')`;
/** Accounts the enforce job may lock: active ones, or ones only under a temporary sign-in lock. */
const LOCKABLE = (alias: string) =>
  `(${alias}.status = 'active' OR (${alias}.status = 'locked' AND ${alias}.lock_reason = 'failed_logins'))`;

const REMINDER_CASE = `CASE ${[...REMINDER_DAYS]
  .sort((a, b) => a - b)
  .map((k) => `WHEN v.due_date - $1::date <= ${k} THEN ${k}`)
  .join(' ')} END`;

/**
 * The semiannual validation of sponsored users, as three set-based jobs. Each works in committed
 * batches of whole sponsors (one SQL statement per batch, so a batch is all or nothing), marks
 * what it did in rows guarded by unique constraints, and records its emails in the outbox in the
 * same statement with deterministic idempotency keys: a second run, a concurrent run on another
 * instance, or a re-run after a crash finds nothing left to do for what was already committed.
 */
@Injectable()
export class OldValidationJobsService implements OnModuleInit {
  private readonly logger = new Logger('SponsorValidationJobs');
  /** Sponsors (open) or validations (enforce) per committed batch. Tests lower it. */
  batchSize = 5000;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: VALIDATION_JOBS.open, run: (asOf) => this.open(asOf) });
    this.jobs.register({ name: VALIDATION_JOBS.remind, run: (asOf) => this.remind(asOf) });
    this.jobs.register({ name: VALIDATION_JOBS.enforce, run: (asOf) => this.enforce(asOf) });
  }

  /**
   * Opens the validation of the period containing `asOf` for every sponsor who has current
   * sponsored users, has none for that period yet and has no other validation still open.
   * Lists their current sponsored users and emails the sponsor. Returns validations opened.
   */
  async open(asOf: string): Promise<number> {
    assertDate(asOf);
    const window = validationWindow(asOf);
    let after = '00000000-0000-0000-0000-000000000000';
    let opened = 0;
    for (;;) {
      const now = this.clock.now();
      const [row] = await this.dataSource.transaction(async (manager) => {
        const rows: Array<{ last: string | null; opened: number; notified: number }> = await manager.query(
          `WITH candidates AS (
             SELECT s.id
               FROM users s
              WHERE s.is_sponsor AND s.kind = 'provider' AND s.status IN ('active', 'locked') AND s.id > $1::uuid
                AND EXISTS (SELECT 1 FROM users su WHERE su.sponsor_id = s.id AND ${CURRENT_SPONSORED})
                AND NOT EXISTS (SELECT 1 FROM sponsor_validations v
                                 WHERE v.sponsor_id = s.id AND (v.period = $2 OR v.completed_at IS NULL))
              ORDER BY s.id
              LIMIT $3
           ),
           created AS (
             INSERT INTO sponsor_validations (sponsor_id, period, opened_at, due_date, due_at)
             SELECT id, $2, $4, $5::date, $6 FROM candidates
             ON CONFLICT DO NOTHING
             RETURNING id, sponsor_id
           ),
           listed AS (
             INSERT INTO sponsor_validation_users (validation_id, user_id)
             SELECT c.id, su.id FROM created c JOIN users su ON su.sponsor_id = c.sponsor_id AND ${CURRENT_SPONSORED}
             RETURNING validation_id
           ),
           counts AS (SELECT validation_id, count(*)::int AS n FROM listed GROUP BY validation_id),
           notified AS (
             INSERT INTO notifications (template, recipient, data, idempotency_key, status, created_at)
             SELECT 'sponsor-validation-opened', s.email,
                    jsonb_build_object('firstName', s.first_name, 'lastName', s.last_name, 'period', $2::text,
                                       'dueDate', $5::text, 'userCount', k.n),
                    'sponsor-validation-opened:' || c.id, 'pending', $4
               FROM created c JOIN users s ON s.id = c.sponsor_id JOIN counts k ON k.validation_id = c.id
             ON CONFLICT (idempotency_key) DO NOTHING
             RETURNING 1
           )
           SELECT (SELECT max(id::text) FROM candidates) AS last,
                  (SELECT count(*)::int FROM created) AS opened,
                  (SELECT count(*)::int FROM notified) AS notified`,
          [after, window.period, this.batchSize, now, window.dueDate, window.dueAt],
        );
        if (rows[0]?.notified) await manager.query(`SELECT pg_notify('notifications_outbox', '')`);
        return rows;
      });
      opened += row.opened;
      if (!row.last) break;
      after = row.last;
    }
    this.logger.log({ asOf, period: window.period, opened }, 'validations opened');
    return opened;
  }

  /**
   * Sends the reminder due on `asOf` for every open validation 14, 7 or 1 days before its due
   * date (a missed day is caught up by the next run: 13 days left still sends the 14-day one).
   * One statement: the reminder rows' primary key makes each reminder go out once. Returns
   * reminders recorded.
   */
  async remind(asOf: string): Promise<number> {
    assertDate(asOf);
    const now = this.clock.now();
    const [row] = await this.dataSource.transaction(async (manager) => {
      const rows: Array<{ reminded: number; notified: number }> = await manager.query(
        `WITH due AS (
           SELECT v.id, ${REMINDER_CASE} AS days_before
             FROM sponsor_validations v
            WHERE v.completed_at IS NULL AND v.due_date > $1::date AND v.due_date - $1::date <= ${Math.max(...REMINDER_DAYS)}
         ),
         reminded AS (
           INSERT INTO sponsor_validation_reminders (validation_id, days_before, sent_at)
           SELECT id, days_before, $2 FROM due
           ON CONFLICT DO NOTHING
           RETURNING validation_id, days_before
         ),
         notified AS (
           INSERT INTO notifications (template, recipient, data, idempotency_key, status, created_at)
           SELECT 'sponsor-validation-reminder', s.email,
                  jsonb_build_object('firstName', s.first_name, 'lastName', s.last_name, 'period', v.period,
                                     'dueDate', to_char(v.due_date, 'YYYY-MM-DD'), 'daysLeft', v.due_date - $1::date),
                  'sponsor-validation-reminder:' || v.id || ':' || r.days_before, 'pending', $2
             FROM reminded r
             JOIN sponsor_validations v ON v.id = r.validation_id
             JOIN users s ON s.id = v.sponsor_id
            WHERE s.status IN ('active', 'locked')
           ON CONFLICT (idempotency_key) DO NOTHING
           RETURNING 1
         )
         SELECT (SELECT count(*)::int FROM reminded) AS reminded, (SELECT count(*)::int FROM notified) AS notified`,
        [asOf, now],
      );
      if (rows[0]?.notified) await manager.query(`SELECT pg_notify('notifications_outbox', '')`);
      return rows;
    });
    this.logger.log({ asOf, reminded: row.reminded }, 'validation reminders');
    return row.reminded;
  }

  /**
   * Locks (`validation_overdue`) every sponsor whose open validation was due on or before `asOf`,
   * and all of their sponsored users, and emails each of them. A validation is enforced once
   * (`enforced_at`); batches are taken with FOR UPDATE SKIP LOCKED so concurrent runs share the
   * work instead of repeating it. Returns validations enforced.
   */
  async enforce(asOf: string): Promise<number> {
    assertDate(asOf);
    let enforced = 0;
    for (;;) {
      const now = this.clock.now();
      const [row] = await this.dataSource.transaction(async (manager) => {
        const rows: Array<{ enforced: number; notified: number }> = await manager.query(
          `WITH batch AS (
             SELECT v.id FROM sponsor_validations v
              WHERE v.completed_at IS NULL AND v.enforced_at IS NULL AND v.due_date <= $1::date
              ORDER BY v.id
              LIMIT $3
              FOR UPDATE SKIP LOCKED
           ),
           marked AS (
             UPDATE sponsor_validations v SET enforced_at = $2
               FROM batch b WHERE v.id = b.id
             RETURNING v.id, v.sponsor_id, v.period
           ),
           sponsors AS (
             UPDATE users u SET status = 'locked', lock_reason = 'validation_overdue', locked_until = NULL, updated_at = $2
               FROM marked m WHERE u.id = m.sponsor_id AND ${LOCKABLE('u')}
             RETURNING u.id, u.email, u.first_name, u.last_name, m.id AS validation_id, m.period
           ),
           members AS (
             UPDATE users u SET status = 'locked', lock_reason = 'validation_overdue', locked_until = NULL, updated_at = $2
               FROM marked m WHERE u.sponsor_id = m.sponsor_id AND u.kind = 'sponsored' AND ${LOCKABLE('u')}
             RETURNING u.id, u.email, u.first_name, u.last_name, m.id AS validation_id, m.sponsor_id
           ),
           notified_sponsors AS (
             INSERT INTO notifications (template, recipient, data, idempotency_key, status, created_at)
             SELECT 'sponsor-locked', s.email,
                    jsonb_build_object('firstName', s.first_name, 'lastName', s.last_name, 'period', s.period),
                    'sponsor-locked:' || s.validation_id, 'pending', $2
               FROM sponsors s
             ON CONFLICT (idempotency_key) DO NOTHING
             RETURNING 1
           ),
           notified_members AS (
             INSERT INTO notifications (template, recipient, data, idempotency_key, status, created_at)
             SELECT 'sponsored-user-locked', m.email,
                    jsonb_build_object('firstName', m.first_name, 'lastName', m.last_name,
                                       'sponsorName', sp.first_name || ' ' || sp.last_name),
                    'sponsored-user-locked:' || m.validation_id || ':' || m.id, 'pending', $2
               FROM members m JOIN users sp ON sp.id = m.sponsor_id
             ON CONFLICT (idempotency_key) DO NOTHING
             RETURNING 1
           )
           SELECT (SELECT count(*)::int FROM marked) AS enforced,
                  (SELECT count(*)::int FROM notified_sponsors) + (SELECT count(*)::int FROM notified_members) AS notified`,
          [asOf, now, this.batchSize],
        );
        if (rows[0]?.notified) await manager.query(`SELECT pg_notify('notifications_outbox', '')`);
        return rows;
      });
      enforced += row.enforced;
      if (row.enforced === 0) break;
    }
    this.logger.log({ asOf, enforced }, 'validations enforced');
    return enforced;
  }
}

function assertDate(asOf: string): void {
  if (typeof asOf !== 'string' || !isIsoDate(asOf)) {
    throw badRequest('validation_failed', 'asOf is not a calendar date.', {
      errors: [{ field: 'asOf', message: 'asOf must be a real calendar date' }],
    });
  }
}
