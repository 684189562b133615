import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { affected, on, one, rows } from '../../database/sql.js';
import type { SponsoredRole } from '../identity/index.js';
import { REMINDER_DAYS } from './validation-period.js';

/** One semiannual validation a sponsor owes. */
export interface SponsorValidationRecord {
  id: string;
  sponsorId: string;
  period: string;
  dueAt: Date;
  enforcedAt: Date | null;
  completedAt: Date | null;
}

/** A user listed on a validation whose account is still on record (not deactivated). */
export interface ListedUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: SponsoredRole;
}

/** A validation the open job created, with what its email to the sponsor needs. */
export interface OpenedValidation {
  validationId: string;
  sponsorId: string;
  email: string;
  firstName: string;
  lastName: string;
  userCount: number;
}

export interface OpenBatch {
  /** Highest sponsor id considered in this batch (the next batch starts after it); null when none was left. */
  last: string | null;
  opened: OpenedValidation[];
}

/** A reminder the remind job recorded; `notify` is false when the sponsor's account no longer gets mail. */
export interface RecordedReminder {
  validationId: string;
  daysBefore: number;
  period: string;
  dueDate: string;
  daysLeft: number;
  notify: boolean;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}

/** A validation the enforce job marked, with the sponsor and the sponsored users it may lock. */
export interface EnforcedValidation {
  validationId: string;
  sponsorId: string;
  period: string;
  sponsorFirstName: string;
  sponsorLastName: string;
  /** The sponsor's current sponsored users (active, locked or invited); identity decides which it may lock. */
  memberIds: string[];
  /**
   * Users still listed (not deactivated). 0: the sponsor has nobody left to review, so nothing is
   * locked and the validation is closed as completed in the same statement.
   */
  listedCount: number;
}

interface ValidationRow {
  id: string;
  sponsor_id: string;
  period: string;
  due_at: Date;
  enforced_at: Date | null;
  completed_at: Date | null;
}

interface ListedRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  sponsored_role: SponsoredRole;
}

interface ReminderRow {
  validation_id: string;
  days_before: number;
  period: string;
  due_date: string;
  days_left: number;
  notify: boolean | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
}

interface EnforcedRow {
  validation_id: string;
  sponsor_id: string;
  period: string;
  sponsor_first_name: string;
  sponsor_last_name: string;
  member_ids: string[];
  listed_count: number;
}

const VALIDATION_COLUMNS = 'id, sponsor_id, period, due_at, enforced_at, completed_at';

/**
 * Sponsored accounts a sponsor answers for: active, locked or invited (not yet activated: their
 * link would otherwise open the practice's patients to someone nobody reviewed), never deactivated.
 * Over identity's `account_directory` view (alias `su`), the only face of accounts this SQL may read.
 */
const CURRENT_SPONSORED = `su.kind = 'sponsored' AND su.status IN ('active', 'locked', 'invited')`;

const REMINDER_CASE = `CASE ${[...REMINDER_DAYS]
  .sort((a, b) => a - b)
  .map((k) => `WHEN v.due_date - $1::date <= ${k} THEN ${k}`)
  .join(' ')} END`;

/**
 * All SQL of sponsor_validations, sponsor_validation_users and sponsor_validation_reminders. The
 * job statements are set-based, one per batch, and guarded by the tables' unique constraints so
 * a re-run or a concurrent run finds nothing left to do for what was already committed.
 */
@Injectable()
export class SponsorValidationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The sponsor's open (uncompleted) validation; at most one exists (partial unique index). */
  async findOpenBySponsor(
    sponsorId: string,
    manager?: EntityManager,
  ): Promise<SponsorValidationRecord | undefined> {
    const row = await one<ValidationRow>(
      on(this.dataSource, manager),
      `SELECT ${VALIDATION_COLUMNS} FROM sponsor_validations WHERE sponsor_id = $1 AND completed_at IS NULL`,
      [sponsorId],
    );
    return row && toValidation(row);
  }

  /** The sponsor's validation `id`, row-locked for completing it. */
  async findForUpdate(
    id: string,
    sponsorId: string,
    manager: EntityManager,
  ): Promise<SponsorValidationRecord | undefined> {
    const row = await one<ValidationRow>(
      manager,
      `SELECT ${VALIDATION_COLUMNS} FROM sponsor_validations WHERE id = $1 AND sponsor_id = $2 FOR UPDATE`,
      [id, sponsorId],
    );
    return row && toValidation(row);
  }

  /** Users on the validation whose accounts are not deactivated (deactivated ones drop off), by name. */
  async listedUsers(validationId: string, manager?: EntityManager): Promise<ListedUser[]> {
    const listed = await rows<ListedRow>(
      on(this.dataSource, manager),
      `SELECT u.id, u.email, u.first_name, u.last_name, u.sponsored_role
         FROM sponsor_validation_users vu JOIN account_directory u ON u.id = vu.user_id
        WHERE vu.validation_id = $1 AND u.status <> 'deactivated'
        ORDER BY u.last_name, u.first_name, u.id`,
      [validationId],
    );
    return listed.map((r) => ({
      id: r.id,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
      role: r.sponsored_role,
    }));
  }

  /** Stores the sponsor's keep/remove decision of each listed user (one statement). */
  async recordDecisions(
    validationId: string,
    decisions: Array<{ userId: string; keep: boolean }>,
    manager: EntityManager,
  ): Promise<number> {
    return affected(
      manager,
      `UPDATE sponsor_validation_users AS vu SET keep = d.keep
         FROM unnest($2::uuid[], $3::boolean[]) AS d(user_id, keep)
        WHERE vu.validation_id = $1 AND vu.user_id = d.user_id`,
      [validationId, decisions.map((d) => d.userId), decisions.map((d) => d.keep)],
    );
  }

  async markCompleted(
    validationId: string,
    completedBy: string,
    now: Date,
    manager: EntityManager,
  ): Promise<void> {
    await affected(
      manager,
      `UPDATE sponsor_validations SET completed_at = $2, completed_by = $3 WHERE id = $1`,
      [validationId, now, completedBy],
    );
  }

  /**
   * One batch of the open job, one statement: the next `limit` sponsors (id order, after `after`)
   * who have current sponsored users, no validation for `period` and none still open get one,
   * listing those users. Returns the created validations that list at least one user.
   */
  async openBatch(
    input: { after: string; period: string; limit: number; now: Date; dueDate: string; dueAt: Date },
    manager: EntityManager,
  ): Promise<OpenBatch> {
    const row = await one<{ last: string | null; opened: OpenedValidation[] }>(
      manager,
      `WITH candidates AS (
         SELECT s.id
           FROM account_directory s
          WHERE s.is_sponsor AND s.kind = 'provider' AND s.status IN ('active', 'locked') AND s.id > $1::uuid
            AND EXISTS (SELECT 1 FROM account_directory su WHERE su.sponsor_id = s.id AND ${CURRENT_SPONSORED})
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
         SELECT c.id, su.id FROM created c JOIN account_directory su ON su.sponsor_id = c.sponsor_id AND ${CURRENT_SPONSORED}
         RETURNING validation_id
       ),
       counts AS (SELECT validation_id, count(*)::int AS n FROM listed GROUP BY validation_id)
       SELECT (SELECT max(id::text) FROM candidates) AS last,
              COALESCE((SELECT json_agg(json_build_object('validationId', c.id, 'sponsorId', c.sponsor_id, 'email', s.email,
                                                          'firstName', s.first_name, 'lastName', s.last_name, 'userCount', k.n))
                          FROM created c JOIN account_directory s ON s.id = c.sponsor_id JOIN counts k ON k.validation_id = c.id),
                       '[]'::json) AS opened`,
      [input.after, input.period, input.limit, input.now, input.dueDate, input.dueAt],
    );
    return { last: row?.last ?? null, opened: row?.opened ?? [] };
  }

  /**
   * The remind job, one statement: records the reminder due on `asOf` (14, 7 or 1 days before
   * the due date; a missed day is caught up) of every open validation, once each (primary key).
   */
  async recordDueReminders(asOf: string, now: Date, manager: EntityManager): Promise<RecordedReminder[]> {
    const recorded = await rows<ReminderRow>(
      manager,
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
       )
       SELECT r.validation_id, r.days_before::int AS days_before, v.period, to_char(v.due_date, 'YYYY-MM-DD') AS due_date,
              (v.due_date - $1::date)::int AS days_left, s.status IN ('active', 'locked') AS notify,
              s.email, s.first_name, s.last_name
         FROM reminded r
         JOIN sponsor_validations v ON v.id = r.validation_id
         LEFT JOIN account_directory s ON s.id = v.sponsor_id`,
      [asOf, now],
    );
    return recorded.map((r) => ({
      validationId: r.validation_id,
      daysBefore: r.days_before,
      period: r.period,
      dueDate: r.due_date,
      daysLeft: r.days_left,
      notify: r.notify === true,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
    }));
  }

  /**
   * One batch of the enforce job, one statement: marks up to `limit` open validations due on or
   * before `asOf` as enforced (once: `enforced_at`; FOR UPDATE SKIP LOCKED, so concurrent runs
   * share the work) and returns each with its sponsor and the sponsored users to lock.
   * `counted` is MATERIALIZED so each validation's listed users are counted once (inlined, the count
   * ran twice: in SET and in RETURNING); the sponsor's name is looked up by primary key per marked
   * row (OFFSET 0 keeps it a lookup: as a join it was planned as a hash over the whole users table).
   */
  async markOverdueBatch(
    asOf: string,
    now: Date,
    limit: number,
    manager: EntityManager,
  ): Promise<EnforcedValidation[]> {
    const marked = await rows<EnforcedRow>(
      manager,
      `WITH batch AS (
         SELECT v.id FROM sponsor_validations v
          WHERE v.completed_at IS NULL AND v.enforced_at IS NULL AND v.due_date <= $1::date
          ORDER BY v.id
          LIMIT $3
          FOR UPDATE SKIP LOCKED
       ),
       counted AS MATERIALIZED (
         SELECT b.id, (SELECT count(*)::int FROM sponsor_validation_users vu JOIN account_directory u ON u.id = vu.user_id
                        WHERE vu.validation_id = b.id AND u.status <> 'deactivated') AS listed_count
           FROM batch b
       ),
       marked AS (
         UPDATE sponsor_validations v SET enforced_at = $2::timestamptz, completed_at = CASE WHEN c.listed_count = 0 THEN $2::timestamptz ELSE NULL END
           FROM counted c WHERE v.id = c.id
         RETURNING v.id, v.sponsor_id, v.period, c.listed_count
       )
       SELECT m.id AS validation_id, m.sponsor_id, m.period, s.first_name AS sponsor_first_name, s.last_name AS sponsor_last_name,
              m.listed_count,
              CASE WHEN m.listed_count = 0 THEN '{}'::text[] ELSE
                COALESCE((SELECT array_agg(su.id::text) FROM account_directory su WHERE su.sponsor_id = m.sponsor_id AND ${CURRENT_SPONSORED}),
                         '{}'::text[]) END AS member_ids
         FROM marked m
        CROSS JOIN LATERAL (SELECT s.first_name, s.last_name FROM account_directory s WHERE s.id = m.sponsor_id OFFSET 0) s`,
      [asOf, now, limit],
    );
    return marked.map((r) => ({
      validationId: r.validation_id,
      sponsorId: r.sponsor_id,
      period: r.period,
      sponsorFirstName: r.sponsor_first_name,
      sponsorLastName: r.sponsor_last_name,
      memberIds: r.member_ids,
      listedCount: r.listed_count,
    }));
  }

  /** Takes users off the sponsor's open validation (they were transferred to another sponsor); the number removed. */
  async removeFromOpenValidation(
    sponsorId: string,
    userIds: string[],
    manager: EntityManager,
  ): Promise<number> {
    if (userIds.length === 0) return 0;
    return affected(
      manager,
      `DELETE FROM sponsor_validation_users vu USING sponsor_validations v
        WHERE v.id = vu.validation_id AND v.sponsor_id = $1 AND v.completed_at IS NULL AND vu.user_id = ANY($2::uuid[])`,
      [sponsorId, userIds],
    );
  }

  /** Test and seeding support: a validation row as the open job would write it. */
  async insert(
    input: {
      sponsorId: string;
      period: string;
      openedAt: Date;
      dueDate: string;
      dueAt: Date;
      userIds: string[];
    },
    manager?: EntityManager,
  ): Promise<string> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `WITH created AS (
         INSERT INTO sponsor_validations (sponsor_id, period, opened_at, due_date, due_at)
         VALUES ($1, $2, $3, $4::date, $5) RETURNING id
       ),
       listed AS (
         INSERT INTO sponsor_validation_users (validation_id, user_id)
         SELECT created.id, u FROM created, unnest($6::uuid[]) AS u
       )
       SELECT id FROM created`,
      [input.sponsorId, input.period, input.openedAt, input.dueDate, input.dueAt, input.userIds],
    );
    return row.id;
  }
}

function toValidation(row: ValidationRow): SponsorValidationRecord {
  return {
    id: row.id,
    sponsorId: row.sponsor_id,
    period: row.period,
    dueAt: row.due_at,
    enforcedAt: row.enforced_at,
    completedAt: row.completed_at,
  };
}
