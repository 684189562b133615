import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, rows } from '../../database/sql.js';
import type { ValidationStatus } from './dto/validation.dto.js';

/** A validation as the lists show it. */
export interface ValidationSummary {
  id: string;
  sponsorId: string;
  period: string;
  dueAt: Date;
  /** `YYYY-MM-DD`, hospital date it becomes overdue. */
  dueDate: string;
  enforcedAt: Date | null;
  completedAt: Date | null;
  /** Users it lists: while open, those still on record (not deactivated); once completed, all it listed. */
  userCount: number;
  /** Full-precision `opened_at` text for the page cursor. */
  cursorAt: string;
}

export interface StaffValidationSummary extends ValidationSummary {
  sponsor: {
    id: string;
    firstName: string;
    lastName: string;
    email: string;
    status: string;
    lockReason: string | null;
  };
}

interface SummaryRow {
  id: string;
  sponsor_id: string;
  period: string;
  due_at: Date;
  due_date: string;
  enforced_at: Date | null;
  completed_at: Date | null;
  user_count: number;
  cursor_at: string;
}

const SUMMARY_COLUMNS = `v.id, v.sponsor_id, v.period, v.due_at, to_char(v.due_date, 'YYYY-MM-DD') AS due_date, v.enforced_at, v.completed_at,
       (SELECT count(*)::int FROM sponsor_validation_users vu JOIN account_directory u ON u.id = vu.user_id
         WHERE vu.validation_id = v.id AND (v.completed_at IS NOT NULL OR u.status <> 'deactivated')) AS user_count,
       ${cursorAtSql('v.opened_at')} AS cursor_at`;

/** The status of validation `v` at `$now` in SQL (as `ValidationService.statusOf`). */
const statusSql = (now: string) =>
  `CASE WHEN v.completed_at IS NOT NULL THEN 'completed' WHEN v.enforced_at IS NOT NULL OR v.due_at <= ${now} THEN 'overdue' ELSE 'pending' END`;

const toSummary = (r: SummaryRow): ValidationSummary => ({
  id: r.id,
  sponsorId: r.sponsor_id,
  period: r.period,
  dueAt: r.due_at,
  dueDate: r.due_date,
  enforcedAt: r.enforced_at,
  completedAt: r.completed_at,
  userCount: r.user_count,
  cursorAt: r.cursor_at,
});

/** Read-only lists of sponsor_validations: a sponsor's history and the team's oversight of a period. */
@Injectable()
export class SponsorValidationListsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A sponsor's validations, newest first, `limit` after the keyset `(openedAt, id)`. */
  async pageOfSponsor(
    sponsorId: string,
    after: readonly [string, string] | null,
    limit: number,
    manager?: EntityManager,
  ): Promise<ValidationSummary[]> {
    const found = await rows<SummaryRow>(
      on(this.dataSource, manager),
      `SELECT ${SUMMARY_COLUMNS} FROM sponsor_validations v
        WHERE v.sponsor_id = $1 AND ($2::timestamptz IS NULL OR (v.opened_at, v.id) < ($2::timestamptz, $3::uuid))
        ORDER BY v.opened_at DESC, v.id DESC LIMIT $4`,
      [sponsorId, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return found.map(toSummary);
  }

  /** Every sponsor's validation of `period` (with `status` at `now` when given), by id. */
  async pageOfPeriod(
    filter: { period: string; status?: ValidationStatus; now: Date },
    after: string | null,
    limit: number,
    manager?: EntityManager,
  ): Promise<StaffValidationSummary[]> {
    const found = await rows<
      SummaryRow & {
        first_name: string;
        last_name: string;
        email: string;
        sponsor_status: string;
        lock_reason: string | null;
      }
    >(
      on(this.dataSource, manager),
      `SELECT ${SUMMARY_COLUMNS}, s.first_name, s.last_name, s.email, s.status AS sponsor_status, s.lock_reason
         FROM sponsor_validations v JOIN account_directory s ON s.id = v.sponsor_id
        WHERE v.period = $1 AND ($2::text IS NULL OR ${statusSql('$3')} = $2)
          AND ($4::uuid IS NULL OR v.id > $4::uuid)
        ORDER BY v.id LIMIT $5`,
      [filter.period, filter.status ?? null, filter.now, after, limit],
    );
    return found.map((r) => ({
      ...toSummary(r),
      sponsor: {
        id: r.sponsor_id,
        firstName: r.first_name,
        lastName: r.last_name,
        email: r.email,
        status: r.sponsor_status,
        lockReason: r.lock_reason,
      },
    }));
  }
}
