import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, one, rows } from '../../database/sql.js';
import { effectiveLockReasonSql, effectiveStatusSql } from './account-status.policy.js';
import type { LockReason, StaffRole, UserKind, UserStatus } from './entities/user.entity.js';

/** A user as the staff directory lists it (status effective as of the query's time). */
export interface DirectoryEntry {
  id: string;
  kind: UserKind;
  email: string;
  firstName: string;
  lastName: string;
  npi: string | null;
  practice: { id: string; name: string } | null;
  status: UserStatus;
  lockReason: LockReason | null;
  isSponsor: boolean;
  sponsorId: string | null;
  roles: StaffRole[];
  lastSignInAt: Date | null;
  /** Full-precision `created_at` text for the page cursor. */
  cursorAt: string;
}

export interface DirectoryDetail extends DirectoryEntry {
  mfaEnrolled: boolean;
}

/** A staff account as the admin's list shows it. */
export interface StaffAccountEntry {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  roles: StaffRole[];
  status: UserStatus;
  lastSignInAt: Date | null;
  cursorAt: string;
}

export interface DirectoryFilter {
  /** Already lower-cased; matched as a substring (accents ignored) or as an exact NPI. */
  q: string | null;
  kind: UserKind | null;
  status: UserStatus | null;
  practiceId: string | null;
}

interface EntryRow {
  id: string;
  kind: UserKind;
  email: string;
  first_name: string;
  last_name: string;
  npi: string | null;
  practice_id: string | null;
  practice_name: string | null;
  status: UserStatus;
  lock_reason: LockReason | null;
  is_sponsor: boolean;
  sponsor_id: string | null;
  roles: StaffRole[];
  last_sign_in_at: Date | null;
  mfa_enrolled: boolean;
  cursor_at: string;
}

/** Columns of `account_directory a` joined with `users u` (roles, TOTP); `$1` is the time. */
const ENTRY_COLUMNS = `a.id, a.kind, a.email, a.first_name, a.last_name, a.npi, a.practice_id, a.practice_name,
       ${effectiveStatusSql('a', '$1')} AS status, ${effectiveLockReasonSql('a', '$1')} AS lock_reason,
       a.is_sponsor, a.sponsor_id, u.roles, u.totp_enrolled_at IS NOT NULL AS mfa_enrolled,
       (SELECT max(s.created_at) FROM sessions s WHERE s.user_id = a.id) AS last_sign_in_at,
       ${cursorAtSql('a.created_at')} AS cursor_at`;

const toEntry = (r: EntryRow): DirectoryDetail => ({
  id: r.id,
  kind: r.kind,
  email: r.email,
  firstName: r.first_name,
  lastName: r.last_name,
  npi: r.npi,
  practice: r.practice_id ? { id: r.practice_id, name: r.practice_name as string } : null,
  status: r.status,
  lockReason: r.lock_reason,
  isSponsor: r.is_sponsor,
  sponsorId: r.sponsor_id,
  roles: r.roles ?? [],
  lastSignInAt: r.last_sign_in_at,
  mfaEnrolled: r.mfa_enrolled,
  cursorAt: r.cursor_at,
});

/** `%…%` for LIKE with the pattern characters of `text` escaped (`\` is the escape). */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The folded form of a column or parameter: lower case, accents removed. */
const folded = (sql: string) => `lower(unaccent(${sql}))`;

/** Reads of the staff directory (users with effective practice and status, roles, last sign-in). */
@Injectable()
export class StaffDirectoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest accounts first, after the keyset `(createdAt, id)` when given. */
  async page(
    filter: DirectoryFilter,
    after: readonly [string, string] | null,
    limit: number,
    now: Date,
    manager?: EntityManager,
  ): Promise<DirectoryDetail[]> {
    const pattern = filter.q === null ? null : containsPattern(filter.q);
    const found = await rows<EntryRow>(
      on(this.dataSource, manager),
      `SELECT ${ENTRY_COLUMNS}
         FROM account_directory a JOIN users u ON u.id = a.id
        WHERE ($2::text IS NULL OR a.npi = $2::text
               OR ${folded('a.email')} LIKE ${folded('$3::text')}
               OR ${folded('a.first_name')} LIKE ${folded('$3::text')}
               OR ${folded('a.last_name')} LIKE ${folded('$3::text')}
               OR ${folded(`a.first_name || ' ' || a.last_name`)} LIKE ${folded('$3::text')})
          AND ($4::varchar IS NULL OR a.kind = $4::varchar)
          AND ($5::varchar IS NULL OR ${effectiveStatusSql('a', '$1')} = $5::varchar)
          AND ($6::uuid IS NULL OR a.practice_id = $6::uuid)
          AND ($7::timestamptz IS NULL OR (a.created_at, a.id) < ($7::timestamptz, $8::uuid))
        ORDER BY a.created_at DESC, a.id DESC
        LIMIT $9`,
      [
        now,
        filter.q,
        pattern,
        filter.kind,
        filter.status,
        filter.practiceId,
        after?.[0] ?? null,
        after?.[1] ?? null,
        limit,
      ],
    );
    return found.map(toEntry);
  }

  async findDetail(userId: string, now: Date, manager?: EntityManager): Promise<DirectoryDetail | undefined> {
    const row = await one<EntryRow>(
      on(this.dataSource, manager),
      `SELECT ${ENTRY_COLUMNS} FROM account_directory a JOIN users u ON u.id = a.id WHERE a.id = $2`,
      [now, userId],
    );
    return row && toEntry(row);
  }

  /** Staff accounts, newest first. */
  async pageStaffAccounts(
    after: readonly [string, string] | null,
    limit: number,
    now: Date,
    manager?: EntityManager,
  ): Promise<StaffAccountEntry[]> {
    const found = await rows<{
      id: string;
      email: string;
      first_name: string;
      last_name: string;
      roles: StaffRole[];
      status: UserStatus;
      last_sign_in_at: Date | null;
      cursor_at: string;
    }>(
      on(this.dataSource, manager),
      `SELECT u.id, u.email, u.first_name, u.last_name, u.roles, ${effectiveStatusSql('u', '$1')} AS status,
              (SELECT max(s.created_at) FROM sessions s WHERE s.user_id = u.id) AS last_sign_in_at,
              ${cursorAtSql('u.created_at')} AS cursor_at
         FROM users u
        WHERE u.kind = 'staff' AND ($2::timestamptz IS NULL OR (u.created_at, u.id) < ($2::timestamptz, $3::uuid))
        ORDER BY u.created_at DESC, u.id DESC
        LIMIT $4`,
      [now, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return found.map((r) => ({
      id: r.id,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
      roles: r.roles ?? [],
      status: r.status,
      lastSignInAt: r.last_sign_in_at,
      cursorAt: r.cursor_at,
    }));
  }
}
