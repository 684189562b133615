import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { on, returning, rows } from '../../database/sql.js';
import type { SponsoredRole } from './entities/user.entity.js';

/** A user an overdue validation locked (to be told). */
export interface LockedAccount {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

/**
 * Accounts an overdue validation may lock: active or invited ones (API.md v1.1: an invitee must not
 * activate into a practice whose validation is overdue), or ones only under a temporary sign-in lock.
 */
const LOCKABLE = `(status IN ('active', 'invited') OR (status = 'locked' AND lock_reason = 'failed_logins'))`;

/** The SQL of `users` for the life-cycle changes other modules make (AccountLifecycleService): sponsorship, validation. */
@Injectable()
export class AccountLifecycleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Makes a provider a sponsor; false when already one. */
  async enrollSponsor(userId: string, now: Date, manager?: EntityManager): Promise<boolean> {
    const updated = await returning<{ id: string }>(
      on(this.dataSource, manager),
      `UPDATE users SET is_sponsor = true, updated_at = $2 WHERE id = $1 AND NOT is_sponsor RETURNING id`,
      [userId, now],
    );
    return updated.length > 0;
  }

  /** Creates an invited sponsored account; undefined when the email (or another unique key) is taken. */
  async insertInvitedSponsored(
    input: {
      sponsorId: string;
      practiceId: string | null;
      email: string;
      firstName: string;
      lastName: string;
      role: SponsoredRole;
    },
    now: Date,
    manager?: EntityManager,
  ): Promise<{ id: string } | undefined> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO users (kind, email, first_name, last_name, practice_id, sponsor_id, sponsored_role, status, created_at, updated_at)
       VALUES ('sponsored', $1, $2, $3, $4, $5, $6, 'invited', $7, $7)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [input.email, input.firstName, input.lastName, input.practiceId, input.sponsorId, input.role, now],
    );
    return row;
  }

  /** Deactivates an account; false when it already was. */
  async deactivate(userId: string, now: Date, manager?: EntityManager): Promise<boolean> {
    const updated = await returning<{ id: string }>(
      on(this.dataSource, manager),
      `UPDATE users SET status = 'deactivated', lock_reason = NULL, locked_until = NULL, updated_at = $2
        WHERE id = $1 AND status <> 'deactivated' RETURNING id`,
      [userId, now],
    );
    return updated.length > 0;
  }

  /** Sets accounts active and clears their locks (never a deactivated or rejected one); the ids changed. */
  async activate(userIds: string[], now: Date, manager?: EntityManager): Promise<string[]> {
    if (userIds.length === 0) return [];
    const updated = await returning<{ id: string }>(
      on(this.dataSource, manager),
      `UPDATE users SET status = 'active', lock_reason = NULL, locked_until = NULL, updated_at = $2
        WHERE id = ANY($1::uuid[]) AND status NOT IN ('deactivated', 'rejected')
          AND NOT (status = 'active' AND lock_reason IS NULL)
        RETURNING id`,
      [userIds, now],
    );
    return updated.map((r) => r.id);
  }

  /** Locks the lockable ones of `userIds` for an overdue validation, in one statement; the users locked. */
  async lockForOverdueValidation(
    userIds: string[],
    now: Date,
    manager?: EntityManager,
  ): Promise<LockedAccount[]> {
    if (userIds.length === 0) return [];
    const locked = await returning<{ id: string; email: string; first_name: string; last_name: string }>(
      on(this.dataSource, manager),
      `UPDATE users SET status = 'locked', lock_reason = 'validation_overdue', locked_until = NULL, updated_at = $2,
              status_before = CASE WHEN status = 'invited' THEN 'invited' ELSE 'active' END
        WHERE id = ANY($1::uuid[]) AND ${LOCKABLE}
        RETURNING id, email, first_name, last_name`,
      [userIds, now],
    );
    return locked.map((r) => ({ id: r.id, email: r.email, firstName: r.first_name, lastName: r.last_name }));
  }

  /**
   * Ends the overdue-validation lock of `userIds`, in one statement: an account locked while invited
   * (`status_before`; before v1.1: a sponsored account that never set a password) goes back to
   * `invited`, the others to `active`. The users unlocked.
   */
  async unlockValidationOverdue(
    userIds: string[],
    now: Date,
    manager?: EntityManager,
  ): Promise<LockedAccount[]> {
    if (userIds.length === 0) return [];
    const unlocked = await returning<{ id: string; email: string; first_name: string; last_name: string }>(
      on(this.dataSource, manager),
      `UPDATE users SET status = CASE WHEN status_before = 'invited' OR (status_before IS NULL AND kind = 'sponsored' AND password_hash IS NULL)
                                      THEN 'invited' ELSE 'active' END,
              lock_reason = NULL, status_before = NULL, updated_at = $2
        WHERE id = ANY($1::uuid[]) AND status = 'locked' AND lock_reason = 'validation_overdue'
        RETURNING id, email, first_name, last_name`,
      [userIds, now],
    );
    return unlocked.map((r) => ({
      id: r.id,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
    }));
  }
}
