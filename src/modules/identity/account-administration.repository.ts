import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { affected, on, one, returning, rows } from '../../database/sql.js';
import type { LockReason, StaffRole, UserKind, UserStatus } from './entities/user.entity.js';

/**
 * SQL of `users` for the MyPatients team's account administration (issue 16): staff accounts and
 * roles, staff locks, deactivation choices, reactivation, MFA reset, practice moves, and the
 * seven-day release of unverified registrations.
 */

/** An account under a staff action, row-locked; status as stored (make it effective with the policy). */
export interface AdministeredAccount {
  id: string;
  kind: UserKind;
  email: string;
  firstName: string;
  lastName: string;
  status: UserStatus;
  lockReason: LockReason | null;
  lockedUntil: Date | null;
  isSponsor: boolean;
  sponsorId: string | null;
  practiceId: string | null;
  hospitalId: string | null;
  roles: StaffRole[];
  hasPassword: boolean;
  createdAt: Date;
}

interface AdministeredRow {
  id: string;
  kind: UserKind;
  email: string;
  first_name: string;
  last_name: string;
  status: UserStatus;
  lock_reason: LockReason | null;
  locked_until: Date | null;
  is_sponsor: boolean;
  sponsor_id: string | null;
  practice_id: string | null;
  hospital_id: string | null;
  roles: StaffRole[];
  has_password: boolean;
  created_at: Date;
}

const ADMINISTERED_COLUMNS = `id, kind, email, first_name, last_name, status, lock_reason, locked_until, is_sponsor, sponsor_id,
       practice_id, hospital_id, roles, password_hash IS NOT NULL AS has_password, created_at`;

const toAdministered = (r: AdministeredRow): AdministeredAccount => ({
  id: r.id,
  kind: r.kind,
  email: r.email,
  firstName: r.first_name,
  lastName: r.last_name,
  status: r.status,
  lockReason: r.lock_reason,
  lockedUntil: r.locked_until,
  isSponsor: r.is_sponsor,
  sponsorId: r.sponsor_id,
  practiceId: r.practice_id,
  hospitalId: r.hospital_id,
  roles: r.roles ?? [],
  hasPassword: r.has_password,
  createdAt: r.created_at,
});

/** Sponsored users a sponsor still answers for (deactivation must deal with them). */
const ANSWERED_FOR = `('invited', 'active', 'locked')`;

@Injectable()
export class AccountAdministrationRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findForUpdate(userId: string, manager: EntityManager): Promise<AdministeredAccount | undefined> {
    const row = await one<AdministeredRow>(
      manager,
      `SELECT ${ADMINISTERED_COLUMNS} FROM users WHERE id = $1 FOR UPDATE`,
      [userId],
    );
    return row && toAdministered(row);
  }

  /**
   * Row-locks every active admin and gives their ids. Two demotions racing both wait here, and the
   * second re-reads the first's result, so the last admin cannot be removed twice over.
   */
  async lockActiveAdmins(manager: EntityManager): Promise<string[]> {
    const found = await rows<{ id: string }>(
      manager,
      `SELECT id FROM users WHERE kind = 'staff' AND 'admin' = ANY(roles) AND status = 'active' ORDER BY id FOR UPDATE`,
    );
    return found.map((r) => r.id);
  }

  /** An invited staff account (no password until activation); undefined when the email is taken. */
  async insertInvitedStaff(
    s: { email: string; firstName: string; lastName: string; roles: StaffRole[]; now: Date },
    manager?: EntityManager,
  ): Promise<{ id: string } | undefined> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO users (kind, email, first_name, last_name, roles, status, created_at, updated_at)
       VALUES ('staff', $1, $2, $3, $4::text[], 'invited', $5, $5)
       ON CONFLICT DO NOTHING RETURNING id`,
      [s.email, s.firstName, s.lastName, s.roles, s.now],
    );
    return row;
  }

  async setRoles(userId: string, roles: StaffRole[], now: Date, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `UPDATE users SET roles = $2::text[], updated_at = $3 WHERE id = $1 AND kind = 'staff'`,
      [userId, roles, now],
    );
  }

  /** A staff lock; the interrupted status (`active` or `invited`) is kept for the unlock. */
  async lockByStaff(userId: string, previous: UserStatus, now: Date, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `UPDATE users SET status = 'locked', lock_reason = 'staff', locked_until = NULL, failed_login_count = 0, status_before = $2, updated_at = $3
        WHERE id = $1`,
      [userId, previous, now],
    );
  }

  /** A deactivated account becomes active again (its password and TOTP as they were). */
  async reactivate(userId: string, now: Date, manager?: EntityManager): Promise<boolean> {
    return (
      (await affected(
        on(this.dataSource, manager),
        `UPDATE users SET status = 'active', lock_reason = NULL, locked_until = NULL, failed_login_count = 0, status_before = NULL, updated_at = $2
          WHERE id = $1 AND status = 'deactivated'`,
        [userId, now],
      )) > 0
    );
  }

  /**
   * Voids the password and the authenticator: the owner sets a password by the emailed link and
   * enrolls TOTP at the next sign-in. A failed-sign-in lock ends with it (nothing left to guess).
   */
  async resetCredentials(userId: string, now: Date, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `UPDATE users SET password_hash = NULL, totp_secret = NULL, totp_enrolled_at = NULL, totp_last_step = NULL, failed_login_count = 0,
              status = CASE WHEN status = 'locked' AND lock_reason = 'failed_logins' THEN 'active' ELSE status END,
              lock_reason = CASE WHEN status = 'locked' AND lock_reason = 'failed_logins' THEN NULL ELSE lock_reason END,
              locked_until = CASE WHEN status = 'locked' AND lock_reason = 'failed_logins' THEN NULL ELSE locked_until END,
              updated_at = $2
        WHERE id = $1`,
      [userId, now],
    );
  }

  /** The ids of a sponsor's sponsored users that are invited, active or locked. */
  async answeredForBy(sponsorId: string, manager?: EntityManager): Promise<string[]> {
    const found = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `SELECT id FROM users WHERE sponsor_id = $1 AND kind = 'sponsored' AND status IN ${ANSWERED_FOR} ORDER BY created_at, id FOR UPDATE`,
      [sponsorId],
    );
    return found.map((r) => r.id);
  }

  /** Moves a sponsor's live sponsored users to another sponsor, in one statement; the ids moved. */
  async transferSponsoredUsers(
    fromSponsorId: string,
    toSponsorId: string,
    now: Date,
    manager?: EntityManager,
  ): Promise<string[]> {
    const moved = await returning<{ id: string }>(
      on(this.dataSource, manager),
      `UPDATE users SET sponsor_id = $2, updated_at = $3
        WHERE sponsor_id = $1 AND kind = 'sponsored' AND status IN ${ANSWERED_FOR} RETURNING id`,
      [fromSponsorId, toSponsorId, now],
    );
    return moved.map((r) => r.id);
  }

  /** Moves a provider to a practice, with their sponsored users (one statement); the number of sponsored users moved. */
  async movePractice(
    providerId: string,
    practiceId: string,
    now: Date,
    manager?: EntityManager,
  ): Promise<number> {
    const moved = await returning<{ id: string; kind: UserKind }>(
      on(this.dataSource, manager),
      `UPDATE users SET practice_id = $2, updated_at = $3
        WHERE id = $1 OR (sponsor_id = $1 AND kind = 'sponsored') RETURNING id, kind`,
      [providerId, practiceId, now],
    );
    return moved.filter((r) => r.kind === 'sponsored').length;
  }

  /**
   * The seven-day release: registrations still `pending_email` made at or before `cutoff` stop
   * holding this email or NPI (the address becomes `<id>@released.invalid`, the NPI NULL), so the
   * person can register again. Gives the ids released.
   */
  async releaseStaleRegistrations(
    email: string,
    npi: string | null,
    cutoff: Date,
    now: Date,
    manager?: EntityManager,
  ): Promise<string[]> {
    const released = await returning<{ id: string }>(
      on(this.dataSource, manager),
      `UPDATE users SET email = id::text || '@released.invalid', npi = NULL, updated_at = $4
        WHERE kind = 'provider' AND status = 'pending_email' AND created_at <= $3
          AND (email = $1 OR ($2::text IS NOT NULL AND npi = $2::text))
        RETURNING id`,
      [email, npi, cutoff, now],
    );
    return released.map((r) => r.id);
  }
}
