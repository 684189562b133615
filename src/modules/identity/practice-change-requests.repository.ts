import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, one, returning, rows } from '../../database/sql.js';

export interface NewPracticeChangeRequest {
  userId: string;
  oldPracticeId: string | null;
  newPracticeName: string;
  address: string;
  phone: string;
  fax: string;
  email: string | null;
  wasSponsor: boolean;
  createdAt: Date;
}

/** A practice change request as the staff queue lists it, with the requester and the old practice. */
export interface PracticeChangeRequestItem {
  id: string;
  status: string;
  createdAt: Date;
  user: { id: string; email: string; firstName: string; lastName: string; npi: string | null; kind: string };
  oldPractice: { id: string; name: string } | null;
  newPracticeName: string;
  address: string;
  phone: string;
  fax: string;
  email: string | null;
  wasSponsor: boolean;
  resolvedAt: Date | null;
  /** The practice it was carried out to. */
  newPracticeId: string | null;
  rejectReason: string | null;
  /** Full-precision `created_at` text for the page cursor. */
  cursorAt: string;
}

export type PracticeChangeStatus = 'open' | 'completed' | 'rejected';

interface ItemRow {
  id: string;
  user_id: string;
  old_practice_id: string | null;
  new_practice_name: string;
  address: string;
  phone: string;
  fax: string;
  email: string | null;
  was_sponsor: boolean;
  status: string;
  created_at: Date;
  login_email: string;
  first_name: string;
  last_name: string;
  npi: string | null;
  kind: string;
  old_practice_name: string | null;
  resolved_at: Date | null;
  new_practice_id: string | null;
  reject_reason: string | null;
  cursor_at: string;
}

const ITEM_SELECT = `SELECT r.id, r.user_id, r.old_practice_id, r.new_practice_name, r.address, r.phone, r.fax, r.email, r.was_sponsor,
              r.status, r.created_at, r.resolved_at, r.new_practice_id, r.reject_reason,
              u.email AS login_email, u.first_name, u.last_name, u.npi, u.kind,
              p.name AS old_practice_name, ${cursorAtSql('r.created_at')} AS cursor_at
         FROM practice_change_requests r
         JOIN users u ON u.id = r.user_id
         LEFT JOIN practices p ON p.id = r.old_practice_id`;

const toItem = (r: ItemRow): PracticeChangeRequestItem => ({
  id: r.id,
  status: r.status,
  createdAt: r.created_at,
  user: {
    id: r.user_id,
    email: r.login_email,
    firstName: r.first_name,
    lastName: r.last_name,
    npi: r.npi,
    kind: r.kind,
  },
  oldPractice: r.old_practice_id ? { id: r.old_practice_id, name: r.old_practice_name ?? '' } : null,
  newPracticeName: r.new_practice_name,
  address: r.address,
  phone: r.phone,
  fax: r.fax,
  email: r.email,
  wasSponsor: r.was_sponsor,
  resolvedAt: r.resolved_at,
  newPracticeId: r.new_practice_id,
  rejectReason: r.reject_reason,
  cursorAt: r.cursor_at,
});

/** SQL of `practice_change_requests`. */
@Injectable()
export class PracticeChangeRequestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(request: NewPracticeChangeRequest, manager?: EntityManager): Promise<string> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO practice_change_requests (user_id, old_practice_id, new_practice_name, address, phone, fax, email, was_sponsor, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9) RETURNING id`,
      [
        request.userId,
        request.oldPracticeId,
        request.newPracticeName,
        request.address,
        request.phone,
        request.fax,
        request.email,
        request.wasSponsor,
        request.createdAt,
      ],
    );
    return row.id;
  }

  /** The staff queue, newest first, `limit` rows after the keyset `(createdAt, id)` when given. */
  async page(
    status: PracticeChangeStatus | undefined,
    after: readonly [string, string] | null,
    limit: number,
    manager?: EntityManager,
  ): Promise<PracticeChangeRequestItem[]> {
    const found = await rows<ItemRow>(
      on(this.dataSource, manager),
      `${ITEM_SELECT}
        WHERE ($1::timestamptz IS NULL OR (r.created_at, r.id) < ($1::timestamptz, $2::uuid)) AND ($4::text IS NULL OR r.status = $4)
        ORDER BY r.created_at DESC, r.id DESC LIMIT $3`,
      [after?.[0] ?? null, after?.[1] ?? null, limit, status ?? null],
    );
    return found.map(toItem);
  }

  /** One request; `forUpdate` row-locks it (inside a transaction). */
  async findById(
    id: string,
    manager?: EntityManager,
    forUpdate = false,
  ): Promise<PracticeChangeRequestItem | undefined> {
    const row = await one<ItemRow>(
      on(this.dataSource, manager),
      `${ITEM_SELECT} WHERE r.id = $1${forUpdate ? ' FOR UPDATE OF r' : ''}`,
      [id],
    );
    return row && toItem(row);
  }

  /** An account's own requests, newest first. */
  async pageOfUser(
    userId: string,
    after: readonly [string, string] | null,
    limit: number,
    manager?: EntityManager,
  ): Promise<
    Array<{ id: string; status: string; createdAt: Date; resolvedAt: Date | null; cursorAt: string }>
  > {
    const found = await rows<{
      id: string;
      status: string;
      created_at: Date;
      resolved_at: Date | null;
      cursor_at: string;
    }>(
      on(this.dataSource, manager),
      `SELECT id, status, created_at, resolved_at, ${cursorAtSql('created_at')} AS cursor_at FROM practice_change_requests
        WHERE user_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [userId, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return found.map((r) => ({
      id: r.id,
      status: r.status,
      createdAt: r.created_at,
      resolvedAt: r.resolved_at,
      cursorAt: r.cursor_at,
    }));
  }

  /** Closes an open request as completed (with the practice) or rejected (with the reason); false when it is not open. */
  async resolve(
    id: string,
    outcome: {
      status: 'completed' | 'rejected';
      staffId: string;
      now: Date;
      newPracticeId?: string;
      reason?: string;
    },
    manager?: EntityManager,
  ): Promise<boolean> {
    const done = await returning<{ id: string }>(
      on(this.dataSource, manager),
      `UPDATE practice_change_requests SET status = $2, resolved_by = $3, resolved_at = $4, new_practice_id = $5, reject_reason = $6
        WHERE id = $1 AND status = 'open' RETURNING id`,
      [
        id,
        outcome.status,
        outcome.staffId,
        outcome.now,
        outcome.newPracticeId ?? null,
        outcome.reason ?? null,
      ],
    );
    return done.length > 0;
  }
}
