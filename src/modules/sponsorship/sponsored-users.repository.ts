import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, rows } from '../../database/sql.js';
import type { LockReason, SponsoredRole, UserStatus } from '../identity/index.js';

/** A sponsored user as the sponsor's list shows it (stored status, as the list filters on it). */
export interface SponsoredUserListItem {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: SponsoredRole;
  status: UserStatus;
  lockReason: LockReason | null;
  createdAt: Date;
  /** Full-precision `created_at`, the keyset cursor part. */
  cursorAt: string;
}

interface SponsoredUserRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  sponsored_role: SponsoredRole;
  status: UserStatus;
  lock_reason: LockReason | null;
  created_at: Date;
  cursor_at: string;
}

/**
 * The sponsor's keyset-paged list of their sponsored users. Read-only, over identity's
 * `account_directory` view (the face of accounts other modules' SQL may read); the account
 * itself is written only through identity's AccountLifecycleService.
 */
@Injectable()
export class SponsoredUsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first; `limit` rows after the keyset `after` (`[createdAt, id]`), of one stored status when given. */
  async page(
    sponsorId: string,
    options: { status?: UserStatus; after?: readonly [string, string]; limit: number },
    manager?: EntityManager,
  ): Promise<SponsoredUserListItem[]> {
    const found = await rows<SponsoredUserRow>(
      on(this.dataSource, manager),
      `SELECT id, email, first_name, last_name, sponsored_role, status, lock_reason, created_at,
              ${cursorAtSql('created_at')} AS cursor_at
         FROM account_directory
        WHERE sponsor_id = $1 AND kind = 'sponsored'
          AND ($2::varchar IS NULL OR status = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC
        LIMIT $5`,
      [
        sponsorId,
        options.status ?? null,
        options.after?.[0] ?? null,
        options.after?.[1] ?? null,
        options.limit,
      ],
    );
    return found.map((r) => ({
      id: r.id,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
      role: r.sponsored_role,
      status: r.status,
      lockReason: r.lock_reason,
      createdAt: r.created_at,
      cursorAt: r.cursor_at,
    }));
  }
}
