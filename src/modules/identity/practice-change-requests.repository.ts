import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, rows } from '../../database/sql.js';

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
  /** Full-precision `created_at` text for the page cursor. */
  cursorAt: string;
}

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
  cursor_at: string;
}

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

  /** Newest first, `limit` rows after the keyset `(createdAt, id)` when given. */
  async page(after: readonly [string, string] | null, limit: number, manager?: EntityManager): Promise<PracticeChangeRequestItem[]> {
    const found = await rows<ItemRow>(
      on(this.dataSource, manager),
      `SELECT r.id, r.user_id, r.old_practice_id, r.new_practice_name, r.address, r.phone, r.fax, r.email, r.was_sponsor,
              r.status, r.created_at, u.email AS login_email, u.first_name, u.last_name, u.npi, u.kind,
              p.name AS old_practice_name, ${cursorAtSql('r.created_at')} AS cursor_at
         FROM practice_change_requests r
         JOIN users u ON u.id = r.user_id
         LEFT JOIN practices p ON p.id = r.old_practice_id
        WHERE ($1::timestamptz IS NULL OR (r.created_at, r.id) < ($1::timestamptz, $2::uuid))
        ORDER BY r.created_at DESC, r.id DESC LIMIT $3`,
      [after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return found.map((r) => ({
      id: r.id,
      status: r.status,
      createdAt: r.created_at,
      user: { id: r.user_id, email: r.login_email, firstName: r.first_name, lastName: r.last_name, npi: r.npi, kind: r.kind },
      oldPractice: r.old_practice_id ? { id: r.old_practice_id, name: r.old_practice_name ?? '' } : null,
      newPracticeName: r.new_practice_name,
      address: r.address,
      phone: r.phone,
      fax: r.fax,
      email: r.email,
      wasSponsor: r.was_sponsor,
      cursorAt: r.cursor_at,
    }));
  }
}
