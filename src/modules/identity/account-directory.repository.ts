import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { on, one, rows } from '../../database/sql.js';
import { effectiveLockReasonSql, effectiveStatusSql } from './account-status.policy.js';
import type { LockReason, SponsoredRole, UserKind, UserStatus } from './entities/user.entity.js';

/** An account of `account_directory`, status effective as of the query's time. */
export interface Account {
  id: string;
  kind: UserKind;
  email: string;
  firstName: string;
  lastName: string;
  npi: string | null;
  hospitalId: string | null;
  isSponsor: boolean;
  sponsorId: string | null;
  sponsoredRole: SponsoredRole | null;
  /** Effective: an expired failed-sign-in lock is `active`. */
  status: UserStatus;
  lockReason: LockReason | null;
  ownPracticeId: string | null;
  /** Effective practice (a sponsored user's is their sponsor's while the sponsor is a member). */
  practiceId: string | null;
  practiceName: string | null;
  createdAt: Date;
}

interface AccountRow {
  id: string;
  kind: UserKind;
  email: string;
  first_name: string;
  last_name: string;
  npi: string | null;
  hospital_id: string | null;
  is_sponsor: boolean;
  sponsor_id: string | null;
  sponsored_role: SponsoredRole | null;
  status: UserStatus;
  lock_reason: LockReason | null;
  own_practice_id: string | null;
  practice_id: string | null;
  practice_name: string | null;
  created_at: Date;
}

/** Columns of `account_directory` (alias `a`), with effective status; `$1` is the time. */
const ACCOUNT_COLUMNS = `a.id, a.kind, a.email, a.first_name, a.last_name, a.npi, a.hospital_id, a.is_sponsor, a.sponsor_id,
       a.sponsored_role, ${effectiveStatusSql('a', '$1')} AS status, ${effectiveLockReasonSql('a', '$1')} AS lock_reason,
       a.own_practice_id, a.practice_id, a.practice_name, a.created_at`;

function toAccount(r: AccountRow): Account {
  return {
    id: r.id,
    kind: r.kind,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    npi: r.npi,
    hospitalId: r.hospital_id,
    isSponsor: r.is_sponsor,
    sponsorId: r.sponsor_id,
    sponsoredRole: r.sponsored_role,
    status: r.status,
    lockReason: r.lock_reason,
    ownPracticeId: r.own_practice_id,
    practiceId: r.practice_id,
    practiceName: r.practice_name,
    createdAt: r.created_at,
  };
}

/** Reads of the `account_directory` view (the face of `users` other modules see). */
@Injectable()
export class AccountDirectoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findAccount(id: string, now: Date, manager?: EntityManager): Promise<Account | undefined> {
    const row = await one<AccountRow>(
      on(this.dataSource, manager),
      `SELECT ${ACCOUNT_COLUMNS} FROM account_directory a WHERE a.id = $2`,
      [now, id],
    );
    return row && toAccount(row);
  }

  async findAccounts(ids: string[], now: Date, manager?: EntityManager): Promise<Account[]> {
    if (ids.length === 0) return [];
    const found = await rows<AccountRow>(
      on(this.dataSource, manager),
      `SELECT ${ACCOUNT_COLUMNS} FROM account_directory a WHERE a.id = ANY($2::uuid[]) ORDER BY a.created_at, a.id`,
      [now, ids],
    );
    return found.map(toAccount);
  }

  /** A sponsor's sponsored users, oldest first; `statuses` filters on the stored status. */
  async listSponsoredUsers(
    sponsorId: string,
    statuses: UserStatus[] | undefined,
    now: Date,
    manager?: EntityManager,
  ): Promise<Account[]> {
    const found = await rows<AccountRow>(
      on(this.dataSource, manager),
      `SELECT ${ACCOUNT_COLUMNS} FROM account_directory a
        WHERE a.sponsor_id = $2 AND a.kind = 'sponsored' AND ($3::varchar[] IS NULL OR a.status = ANY($3::varchar[]))
        ORDER BY a.created_at, a.id`,
      [now, sponsorId, statuses ?? null],
    );
    return found.map(toAccount);
  }

  /** Row-locks one sponsored user of a sponsor (the view has outer joins, so the lock is taken on `users`). */
  async findSponsoredUserForUpdate(
    sponsorId: string,
    userId: string,
    now: Date,
    manager: EntityManager,
  ): Promise<Account | undefined> {
    const locked = await one<{ id: string }>(
      manager,
      `SELECT id FROM users WHERE id = $1 AND sponsor_id = $2 AND kind = 'sponsored' FOR UPDATE`,
      [userId, sponsorId],
    );
    return locked ? this.findAccount(locked.id, now, manager) : undefined;
  }
}
