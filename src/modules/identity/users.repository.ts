import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { affected, on, one, returning, rows } from '../../database/sql.js';
import { effectiveLockReasonSql, effectiveStatusSql } from './account-status.policy.js';
import type { LockReason, SponsoredRole, StaffRole, UserKind, UserStatus } from './entities/user.entity.js';

/** A user as sign-in needs it (password, TOTP, lock state). */
export interface AuthAccount {
  id: string;
  kind: UserKind;
  email: string;
  firstName: string;
  passwordHash: string | null;
  status: UserStatus;
  lockReason: LockReason | null;
  lockedUntil: Date | null;
  failedLoginCount: number;
  isSponsor: boolean;
  hospitalId: string | null;
  totpSecret: string | null;
  totpEnrolledAt: Date | null;
  totpLastStep: string | null;
}

interface AuthAccountRow {
  id: string;
  kind: UserKind;
  email: string;
  first_name: string;
  password_hash: string | null;
  status: UserStatus;
  lock_reason: LockReason | null;
  locked_until: Date | null;
  failed_login_count: number;
  is_sponsor: boolean;
  hospital_id: string | null;
  totp_secret: string | null;
  totp_enrolled_at: Date | null;
  totp_last_step: string | null;
}

const AUTH_COLUMNS = `id, kind, email, first_name, password_hash, status, lock_reason, locked_until, failed_login_count,
       is_sponsor, hospital_id, totp_secret, totp_enrolled_at, totp_last_step`;

function toAuthAccount(r: AuthAccountRow): AuthAccount {
  return {
    id: r.id,
    kind: r.kind,
    email: r.email,
    firstName: r.first_name,
    passwordHash: r.password_hash,
    status: r.status,
    lockReason: r.lock_reason,
    lockedUntil: r.locked_until,
    failedLoginCount: r.failed_login_count,
    isSponsor: r.is_sponsor,
    hospitalId: r.hospital_id,
    totpSecret: r.totp_secret,
    totpEnrolledAt: r.totp_enrolled_at,
    totpLastStep: r.totp_last_step,
  };
}

/** The account as `GET /me` and the sign-in responses show it (status effective as of `now`). */
export interface UserViewRow {
  id: string;
  kind: UserKind;
  email: string;
  first_name: string;
  last_name: string;
  npi: string | null;
  is_sponsor: boolean;
  hospital_id: string | null;
  status: UserStatus;
  lock_reason: LockReason | null;
  practice_id: string | null;
  practice_name: string | null;
  roles: StaffRole[];
}

/** What a test or the bootstrap may insert directly. */
export interface NewUser {
  kind: UserKind;
  email: string;
  passwordHash: string | null;
  firstName: string;
  lastName: string;
  npi?: string | null;
  practiceId?: string | null;
  sponsorId?: string | null;
  sponsoredRole?: SponsoredRole | null;
  isSponsor?: boolean;
  hospitalId?: string | null;
  status: UserStatus;
  lockReason?: LockReason | null;
  lockedUntil?: Date | null;
  totpSecret?: string | null;
  emailVerifiedAt?: Date | null;
  approvedAt?: Date | null;
  /** Staff roles; default `team` for staff, none for other kinds. */
  roles?: StaffRole[];
  now: Date;
}

/**
 * SQL of `users` for sign-in and the `/me` view (the life-cycle writes other modules ask for:
 * account-lifecycle.repository.ts; reads through the `account_directory` view: account-directory.repository.ts).
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  // --- sign-in ---------------------------------------------------------------------------

  async findAuthByEmail(email: string, manager?: EntityManager): Promise<AuthAccount | undefined> {
    const row = await one<AuthAccountRow>(
      on(this.dataSource, manager),
      `SELECT ${AUTH_COLUMNS} FROM users WHERE email = $1`,
      [email],
    );
    return row && toAuthAccount(row);
  }

  async findAuthById(id: string, manager?: EntityManager): Promise<AuthAccount | undefined> {
    const row = await one<AuthAccountRow>(
      on(this.dataSource, manager),
      `SELECT ${AUTH_COLUMNS} FROM users WHERE id = $1`,
      [id],
    );
    return row && toAuthAccount(row);
  }

  /** Row-locks the account (counting a failed sign-in must not race with another). */
  async findAuthByIdForUpdate(id: string, manager: EntityManager): Promise<AuthAccount | undefined> {
    const row = await one<AuthAccountRow>(
      manager,
      `SELECT ${AUTH_COLUMNS} FROM users WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row && toAuthAccount(row);
  }

  async findAuthByHospitalId(hospitalId: string, manager?: EntityManager): Promise<AuthAccount | undefined> {
    const row = await one<AuthAccountRow>(
      on(this.dataSource, manager),
      `SELECT ${AUTH_COLUMNS} FROM users WHERE hospital_id = $1 AND kind = 'provider'`,
      [hospitalId],
    );
    return row && toAuthAccount(row);
  }

  /** A new TOTP secret for an account that has not completed enrolment. */
  async setEnrollmentSecret(id: string, encryptedSecret: string, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      'UPDATE users SET totp_secret = $2, totp_last_step = NULL WHERE id = $1 AND totp_enrolled_at IS NULL',
      [id, encryptedSecret],
    );
  }

  /** Accepts a TOTP step once per account, even when two requests race with the same code. */
  async acceptTotpStep(id: string, step: number, now: Date, manager?: EntityManager): Promise<boolean> {
    const accepted = await returning<{ id: string }>(
      on(this.dataSource, manager),
      `UPDATE users SET totp_last_step = $2, totp_enrolled_at = COALESCE(totp_enrolled_at, $3), failed_login_count = 0
        WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
      [id, step, now],
    );
    return accepted.length > 0;
  }

  /**
   * Reserves one password check before the (slow) hash verification, so concurrent guesses cannot
   * all be checked against the password: the attempt is counted first, and refused (undefined) while
   * the account, in any state, is under a sign-in lock (`locked_until` ahead) or already has `max`
   * attempts failed or in flight. Gives the attempt's number (the count including it).
   */
  async reserveSignInAttempt(
    id: string,
    max: number,
    now: Date,
    manager?: EntityManager,
  ): Promise<number | undefined> {
    const [row] = await returning<{ failed_login_count: number }>(
      on(this.dataSource, manager),
      `UPDATE users SET failed_login_count = failed_login_count + 1
        WHERE id = $1
          AND NOT (status = 'locked' AND lock_reason = 'failed_logins' AND (locked_until IS NULL OR locked_until > $3))
          AND (locked_until IS NULL OR locked_until <= $3)
          AND failed_login_count < $2
        RETURNING failed_login_count`,
      [id, max, now],
    );
    return row?.failed_login_count;
  }

  /** Gives back a reserved attempt whose password was right (it is no failure). */
  async releaseSignInAttempt(id: string, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      'UPDATE users SET failed_login_count = GREATEST(failed_login_count - 1, 0) WHERE id = $1',
      [id],
    );
  }

  async setFailedLoginCount(id: string, count: number, manager?: EntityManager): Promise<void> {
    await affected(on(this.dataSource, manager), 'UPDATE users SET failed_login_count = $2 WHERE id = $1', [
      id,
      count,
    ]);
  }

  /**
   * The sign-in lock after too many failures, in any state: `locked_until` (set by nothing else); an
   * active account also becomes `locked`/`failed_logins` (what staff and the guard see), any other
   * keeps its status. False when a lock is already running (only the first locker tells the owner).
   */
  async lockForFailedLogins(
    id: string,
    count: number,
    lockedUntil: Date,
    now: Date,
    manager?: EntityManager,
  ): Promise<boolean> {
    const locked = await returning<{ id: string }>(
      on(this.dataSource, manager),
      `UPDATE users SET failed_login_count = GREATEST(failed_login_count, $2), locked_until = $3, updated_at = $4,
              status = CASE WHEN status = 'active' THEN 'locked' ELSE status END,
              lock_reason = CASE WHEN status = 'active' THEN 'failed_logins' ELSE lock_reason END
        WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $4) RETURNING id`,
      [id, count, lockedUntil, now],
    );
    return locked.length > 0;
  }

  /**
   * Lifts a sign-in lock (any state; a `failed_logins` status goes back to active) and restarts the
   * count; gives the account's kind when there was one to lift. `expiredBy`: only one expired by then
   * (a request that saw the old lock expire must not lift the fresh lock a racing one set); without
   * it, any (the owner's unlock link).
   */
  async liftFailedLoginLock(
    id: string,
    now: Date,
    manager?: EntityManager,
    expiredBy: Date | null = now,
  ): Promise<{ kind: UserKind } | undefined> {
    const [row] = await returning<{ kind: UserKind }>(
      on(this.dataSource, manager),
      `UPDATE users SET status = CASE WHEN status = 'locked' AND lock_reason = 'failed_logins' THEN 'active' ELSE status END,
              lock_reason = CASE WHEN status = 'locked' AND lock_reason = 'failed_logins' THEN NULL ELSE lock_reason END,
              locked_until = NULL, failed_login_count = 0, updated_at = $2
        WHERE id = $1 AND locked_until IS NOT NULL AND ($3::timestamptz IS NULL OR locked_until <= $3) RETURNING kind`,
      [id, now, expiredBy],
    );
    return row;
  }

  /** A new password after a reset; the owner proved control of the mailbox, so a failed-sign-in lock ends too. */
  async setPasswordAfterReset(
    id: string,
    passwordHash: string,
    now: Date,
    manager?: EntityManager,
  ): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `UPDATE users SET password_hash = $2, failed_login_count = 0, updated_at = $3,
              status = CASE WHEN status = 'locked' AND lock_reason = 'failed_logins' THEN 'active' ELSE status END,
              lock_reason = CASE WHEN status = 'locked' AND lock_reason = 'failed_logins' THEN NULL ELSE lock_reason END,
              locked_until = NULL
        WHERE id = $1`,
      [id, passwordHash, now],
    );
  }

  /** An invited account sets its password and becomes active. */
  async activateInvited(id: string, passwordHash: string, now: Date, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `UPDATE users SET password_hash = $2, status = 'active', email_verified_at = COALESCE(email_verified_at, $3), updated_at = $3 WHERE id = $1`,
      [id, passwordHash, now],
    );
  }

  /** The `/me` view; a sponsored user's practice is their own or else their sponsor's. */
  async findUserView(id: string, now: Date, manager?: EntityManager): Promise<UserViewRow | undefined> {
    return one<UserViewRow>(
      on(this.dataSource, manager),
      `SELECT u.id, u.kind, u.email, u.first_name, u.last_name, u.npi, u.is_sponsor, u.hospital_id,
              ${effectiveStatusSql('u', '$2')} AS status, ${effectiveLockReasonSql('u', '$2')} AS lock_reason,
              p.id AS practice_id, p.name AS practice_name, u.roles
         FROM users u
         LEFT JOIN users s ON s.id = u.sponsor_id
         LEFT JOIN practices p ON p.id = COALESCE(u.practice_id, s.practice_id)
        WHERE u.id = $1`,
      [id, now],
    );
  }

  /** Inserts an account as given (bootstrap staff, test factories); undefined when the email is taken. */
  async insert(user: NewUser, manager?: EntityManager): Promise<{ id: string } | undefined> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO users (kind, email, password_hash, first_name, last_name, npi, practice_id, sponsor_id, sponsored_role,
                          is_sponsor, hospital_id, status, lock_reason, locked_until, totp_secret, email_verified_at, approved_at,
                          created_at, updated_at, roles)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19::text[])
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [
        user.kind,
        user.email,
        user.passwordHash,
        user.firstName,
        user.lastName,
        user.npi ?? null,
        user.practiceId ?? null,
        user.sponsorId ?? null,
        user.sponsoredRole ?? null,
        user.isSponsor ?? false,
        user.hospitalId ?? null,
        user.status,
        user.lockReason ?? null,
        user.lockedUntil ?? null,
        user.totpSecret ?? null,
        user.emailVerifiedAt ?? null,
        user.approvedAt ?? null,
        user.now,
        user.roles ?? (user.kind === 'staff' ? ['team'] : []),
      ],
    );
    return row;
  }

  async existsByEmail(email: string, manager?: EntityManager): Promise<boolean> {
    return (
      (await one(on(this.dataSource, manager), 'SELECT 1 FROM users WHERE email = $1', [email])) !== undefined
    );
  }

  // --- account management (registration, profile, staff) ---
}
