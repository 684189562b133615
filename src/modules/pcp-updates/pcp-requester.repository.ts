import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, rows } from '../../database/sql.js';
import type { PcpUpdateStatus } from './entities/pcp-update-request.entity.js';
import type { OwnPcpRequest } from './pcp-update.records.js';

interface OwnRow {
  id: string;
  patient_id: string;
  status: PcpUpdateStatus;
  created_at: Date;
  created_at_cursor: string;
  due_at: Date;
}

/** Statuses of a member whose NPI makes the practice a PCP practice (patient-access's access rule counts the same). */
const MEMBER_STATUSES = ['active', 'locked'];

/**
 * The requester's side of `pcp_update_requests` (their list, their open requests for search) and
 * the practice members a PCP may be chosen among (identity's `account_directory` view).
 */
@Injectable()
export class PcpRequesterRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The requester's requests, newest first, after the keyset position (createdAt, id). */
  async listOwn(
    f: { requesterId: string; statuses?: string[]; after?: { createdAt: string; id: string }; take: number },
    manager?: EntityManager,
  ): Promise<OwnPcpRequest[]> {
    const params: unknown[] = [f.requesterId];
    const where = ['r.requester_id = $1'];
    if (f.statuses) {
      params.push(f.statuses);
      where.push(`r.status = ANY($${params.length}::varchar[])`);
    }
    if (f.after) {
      params.push(f.after.createdAt, f.after.id);
      where.push(`(r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(f.take);
    const found = await rows<OwnRow>(
      on(this.dataSource, manager),
      `SELECT r.id, r.patient_id, r.status, r.created_at, ${cursorAtSql('r.created_at')} AS created_at_cursor, r.due_at
         FROM pcp_update_requests r
        WHERE ${where.join(' AND ')}
        ORDER BY r.created_at DESC, r.id DESC
        LIMIT $${params.length}`,
      params,
    );
    return found.map((r) => ({
      id: r.id,
      patientId: r.patient_id,
      status: r.status,
      createdAt: r.created_at,
      createdAtCursor: r.created_at_cursor,
      dueAt: r.due_at,
    }));
  }

  /** The requester's open or in-progress requests among these patients (search's `pendingRequests`). */
  async activeFor(requesterId: string, patientIds: string[], manager?: EntityManager) {
    const found = await rows<{ patient_id: string; id: string; status: string }>(
      on(this.dataSource, manager),
      `SELECT patient_id, id, status FROM pcp_update_requests
        WHERE requester_id = $1 AND patient_id = ANY($2::uuid[]) AND status IN ('open', 'in_progress')`,
      [requesterId, patientIds],
    );
    return found.map((r) => ({ patientId: r.patient_id, id: r.id, status: r.status }));
  }

  /** NPIs of the practice's provider members (the roster is patient-access's). */
  async memberNpis(practiceId: string, manager?: EntityManager): Promise<string[]> {
    const found = await rows<{ npi: string }>(
      on(this.dataSource, manager),
      `SELECT DISTINCT npi FROM account_directory
        WHERE own_practice_id = $1 AND kind = 'provider' AND npi IS NOT NULL AND status = ANY($2::varchar[])`,
      [practiceId, MEMBER_STATUSES],
    );
    return found.map((r) => r.npi.trim());
  }
}
