import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { affected, on, one, returning, rows } from '../../database/sql.js';
import type { LockReason, UserKind, UserStatus } from './entities/user.entity.js';

/**
 * SQL of `users` for account management: provider registration and its staff review,
 * staff-created hospital accounts, the email change and staff unlock. (Sign-in: users.repository.ts;
 * the directory: account-directory.repository.ts; the life cycle other modules use: account-lifecycle.repository.ts.)
 */

/** Unique indexes of `users` (the migration's names), for `isUniqueViolation`. */
export const USERS_UNIQUE = {
  email: 'uq_users_email',
  npi: 'uq_users_npi',
  hospitalId: 'uq_users_hospital_id',
} as const;

export interface NewProvider {
  email: string;
  firstName: string;
  lastName: string;
  npi: string;
  practiceId: string;
  now: Date;
}

/** An account under staff review (or about to be), row-locked. */
export interface ReviewedAccount {
  id: string;
  kind: UserKind;
  email: string;
  firstName: string;
  status: UserStatus;
  lockReason: LockReason | null;
  hospitalId: string | null;
}

/** A registration as the staff queue lists it, with its practice. */
export interface RegistrationItem {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  npi: string | null;
  status: UserStatus;
  createdAt: Date;
  emailVerifiedAt: Date | null;
  approvedAt: Date | null;
  rejectionReason: string | null;
  practice: {
    id: string;
    name: string;
    address: string;
    city: string | null;
    phone: string;
    fax: string;
    activeMembers: number;
  } | null;
  /** Full-precision `created_at` text for the page cursor. */
  cursorAt: string;
}

interface RegistrationRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  npi: string | null;
  status: UserStatus;
  created_at: Date;
  email_verified_at: Date | null;
  approved_at: Date | null;
  rejection_reason: string | null;
  practice_id: string | null;
  practice_name: string | null;
  address: string | null;
  city: string | null;
  phone: string | null;
  fax: string | null;
  practice_active_members: number | null;
  cursor_at: string;
}

interface ReviewedRow {
  id: string;
  kind: UserKind;
  email: string;
  first_name: string;
  status: UserStatus;
  lock_reason: LockReason | null;
  hospital_id: string | null;
}

const toReviewed = (r: ReviewedRow): ReviewedAccount => ({
  id: r.id,
  kind: r.kind,
  email: r.email,
  firstName: r.first_name,
  status: r.status,
  lockReason: r.lock_reason,
  hospitalId: r.hospital_id,
});

@Injectable()
export class AccountManagementRepository {
  constructor(private readonly dataSource: DataSource) {}

  // --- registration ---

  /** Which of this email and NPI already have an account. */
  async takenKeys(
    email: string,
    npi: string,
    manager?: EntityManager,
  ): Promise<{ email: boolean; npi: boolean }> {
    const found = await rows<{ email: string; npi: string | null }>(
      on(this.dataSource, manager),
      'SELECT email, npi FROM users WHERE email = $1 OR npi = $2',
      [email, npi],
    );
    return { email: found.some((r) => r.email === email), npi: found.some((r) => r.npi === npi) };
  }

  async hospitalIdTaken(hospitalId: string, manager?: EntityManager): Promise<boolean> {
    return (
      (await one(on(this.dataSource, manager), 'SELECT 1 FROM users WHERE hospital_id = $1', [
        hospitalId,
      ])) !== undefined
    );
  }

  /** A self-registered provider, waiting for their email to be verified. */
  async insertPendingProvider(
    p: NewProvider & { passwordHash: string },
    manager?: EntityManager,
  ): Promise<string> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO users (kind, email, password_hash, first_name, last_name, npi, practice_id, status, created_at, updated_at)
       VALUES ('provider', $1, $2, $3, $4, $5, $6, 'pending_email', $7, $7) RETURNING id`,
      [p.email, p.passwordHash, p.firstName, p.lastName, p.npi, p.practiceId, p.now],
    );
    return row.id;
  }

  /** A hospital-credentialed provider created by staff: active, no password (signs in through SSO). */
  async insertHospitalProvider(
    p: NewProvider & { hospitalId: string; approvedBy: string },
    manager?: EntityManager,
  ): Promise<string> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO users (kind, email, password_hash, first_name, last_name, npi, practice_id, hospital_id, status,
                          email_verified_at, approved_at, approved_by, created_at, updated_at)
       VALUES ('provider', $1, NULL, $2, $3, $4, $5, $6, 'active', $7, $7, $8, $7, $7) RETURNING id`,
      [p.email, p.firstName, p.lastName, p.npi, p.practiceId, p.hospitalId, p.now, p.approvedBy],
    );
    return row.id;
  }

  /**
   * `pending_email` → `pending_approval`; undefined when the account was not waiting for it, or was
   * registered at or before `cutoff` (the seven-day release: it can no longer be verified).
   */
  async markEmailVerified(
    userId: string,
    now: Date,
    cutoff: Date,
    manager?: EntityManager,
  ): Promise<{ id: string; firstName: string; lastName: string } | undefined> {
    const [row] = await returning<{ id: string; first_name: string; last_name: string }>(
      on(this.dataSource, manager),
      `UPDATE users SET status = 'pending_approval', email_verified_at = $2, updated_at = $2
        WHERE id = $1 AND status = 'pending_email' AND created_at > $3 RETURNING id, first_name, last_name`,
      [userId, now, cutoff],
    );
    return row && { id: row.id, firstName: row.first_name, lastName: row.last_name };
  }

  /** The registration awaiting its email at this address, if made after `cutoff`. */
  async findPendingEmail(
    email: string,
    cutoff: Date,
    manager?: EntityManager,
  ): Promise<{ id: string; firstName: string } | undefined> {
    const row = await one<{ id: string; first_name: string }>(
      on(this.dataSource, manager),
      `SELECT id, first_name FROM users WHERE email = $1 AND kind = 'provider' AND status = 'pending_email' AND created_at > $2`,
      [email, cutoff],
    );
    return row && { id: row.id, firstName: row.first_name };
  }

  // --- staff review ---

  /** The account, row-locked for a staff decision (registration review or unlock). */
  async findForStaffAction(userId: string, manager: EntityManager): Promise<ReviewedAccount | undefined> {
    const row = await one<ReviewedRow>(
      manager,
      'SELECT id, kind, email, first_name, status, lock_reason, hospital_id FROM users WHERE id = $1 FOR UPDATE',
      [userId],
    );
    return row && toReviewed(row);
  }

  async approve(userId: string, staffId: string, now: Date, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `UPDATE users SET status = 'active', approved_at = $2, approved_by = $3, updated_at = $2 WHERE id = $1`,
      [userId, now, staffId],
    );
  }

  async reject(
    userId: string,
    reason: string,
    staffId: string,
    now: Date,
    manager?: EntityManager,
  ): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `UPDATE users SET status = 'rejected', rejection_reason = $2, approved_by = $3, updated_at = $4 WHERE id = $1`,
      [userId, reason, staffId, now],
    );
  }

  /** Self-registered providers of one status, newest first, after the keyset `(createdAt, id)` when given. */
  async pageRegistrations(
    status: UserStatus,
    after: readonly [string, string] | null,
    limit: number,
    manager?: EntityManager,
  ): Promise<RegistrationItem[]> {
    const found = await rows<RegistrationRow>(
      on(this.dataSource, manager),
      `SELECT u.id, u.email, u.first_name, u.last_name, u.npi, u.status, u.created_at, u.email_verified_at, u.approved_at,
              u.rejection_reason, p.id AS practice_id, p.name AS practice_name, p.address, p.city, p.phone, p.fax,
              (SELECT count(*)::int FROM users o WHERE o.practice_id = p.id AND o.id <> u.id AND o.status = 'active') AS practice_active_members,
              ${cursorAtSql('u.created_at')} AS cursor_at
         FROM users u LEFT JOIN practices p ON p.id = u.practice_id
        WHERE u.kind = 'provider' AND u.hospital_id IS NULL AND u.status = $1
          AND ($2::timestamptz IS NULL OR (u.created_at, u.id) < ($2::timestamptz, $3::uuid))
        ORDER BY u.created_at DESC, u.id DESC
        LIMIT $4`,
      [status, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return found.map((r) => ({
      userId: r.id,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
      npi: r.npi,
      status: r.status,
      createdAt: r.created_at,
      emailVerifiedAt: r.email_verified_at,
      approvedAt: r.approved_at,
      rejectionReason: r.rejection_reason,
      practice: r.practice_id
        ? {
            id: r.practice_id,
            name: r.practice_name as string,
            address: r.address as string,
            city: r.city,
            phone: r.phone as string,
            fax: r.fax as string,
            activeMembers: r.practice_active_members as number,
          }
        : null,
      cursorAt: r.cursor_at,
    }));
  }

  /**
   * Lifts a failed-sign-in or staff lock (the caller checked which lock it is): the account gets back
   * the status the staff lock interrupted (an invited one stays invited), else `active`. The status set.
   */
  async unlock(userId: string, now: Date, manager?: EntityManager): Promise<UserStatus> {
    const [row] = await returning<{ status: UserStatus }>(
      on(this.dataSource, manager),
      `UPDATE users SET status = COALESCE(status_before, 'active'), status_before = NULL, lock_reason = NULL, locked_until = NULL,
              failed_login_count = 0, updated_at = $2
        WHERE id = $1 RETURNING status`,
      [userId, now],
    );
    return row?.status ?? 'active';
  }

  // --- email change ---

  async findEmailChangeFacts(
    userId: string,
    manager?: EntityManager,
  ): Promise<{ email: string; firstName: string; passwordHash: string | null } | undefined> {
    const row = await one<{ email: string; first_name: string; password_hash: string | null }>(
      on(this.dataSource, manager),
      'SELECT email, first_name, password_hash FROM users WHERE id = $1',
      [userId],
    );
    return row && { email: row.email, firstName: row.first_name, passwordHash: row.password_hash };
  }

  /** Sets the new (confirmed) email; gives the old address and first name, to tell the owner. */
  async changeEmail(
    userId: string,
    newEmail: string,
    now: Date,
    manager: EntityManager,
  ): Promise<{ oldEmail: string; firstName: string } | undefined> {
    const old = await one<{ email: string; first_name: string }>(
      manager,
      'SELECT email, first_name FROM users WHERE id = $1 FOR UPDATE',
      [userId],
    );
    if (!old) return undefined;
    await affected(
      manager,
      'UPDATE users SET email = $2, email_verified_at = $3, updated_at = $3 WHERE id = $1',
      [userId, newEmail, now],
    );
    return { oldEmail: old.email, firstName: old.first_name };
  }
}
