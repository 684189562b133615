import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, rows } from '../../database/sql.js';
import type { PcpUpdateEventType } from './entities/pcp-update-event.entity.js';
import type { PcpUpdateStatus } from './entities/pcp-update-request.entity.js';
import type { LateRequest, PcpUpdateHistoryEntry, QueueFilter, QueueRecord } from './pcp-update.records.js';

interface QueueRow {
  id: string;
  status: PcpUpdateStatus;
  patient_id: string;
  note: string | null;
  created_at: Date;
  due_at: Date;
  due_at_cursor: string;
  late: boolean;
  claimed_at: Date | null;
  closed_at: Date | null;
  closed_by: string | null;
  rejection_reason: string | null;
  applied_pcp_npi: string | null;
  previous_pcp_npi: string | null;
  confirmed_by_name: string | null;
  confirmation_relationship: string | null;
  confirmation_relationship_other: string | null;
  confirmation_method: string | null;
  confirmed_at: Date | null;
  confirmation_recorded_by: string | null;
  confirmation_recorded_at: Date | null;
  requester_id: string;
  requester_kind: string;
  requester_first_name: string;
  requester_last_name: string;
  requester_email: string;
  requester_npi: string | null;
  requester_status: string;
  sponsor_id: string | null;
  sponsor_first_name: string | null;
  sponsor_last_name: string | null;
  sponsor_npi: string | null;
  practice_id: string | null;
  practice_name: string | null;
  assignee_id: string | null;
  assignee_first_name: string | null;
  assignee_last_name: string | null;
}

interface EventRow {
  id: string;
  at: Date;
  type: PcpUpdateEventType;
  from_status: PcpUpdateStatus | null;
  to_status: PcpUpdateStatus;
  actor_id: string | null;
  actor_name: string | null;
  details: Record<string, unknown>;
}

interface LateRow {
  id: string;
  status: PcpUpdateStatus;
  created_at: Date;
  due_at: Date;
  assignee_name: string | null;
}

/** Still to be worked and past due at `$1`. */
const LATE = `(r.status IN ('open', 'in_progress') AND r.due_at < $1)`;

/**
 * The staff queue's reads of `pcp_update_requests` and `pcp_update_events`: the list and detail, a
 * request's history, the late ones. People come from identity's `account_directory` view.
 */
@Injectable()
export class PcpUpdateQueueRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One query for the list and the detail. Order: late first, then due date, then id (the keyset
   * the cursor carries).
   */
  async queue(f: QueueFilter, manager?: EntityManager): Promise<QueueRecord[]> {
    const params: unknown[] = [f.now];
    const where: string[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.ids) add((p) => `r.id = ANY(${p}::uuid[])`, f.ids);
    if (f.statuses) add((p) => `r.status = ANY(${p}::varchar[])`, f.statuses);
    if (f.overdue !== undefined) where.push(f.overdue ? LATE : `NOT ${LATE}`);
    if (f.assignee === 'none') where.push('r.assignee_id IS NULL');
    else if (f.assignee) add((p) => `r.assignee_id = ${p}::uuid`, f.assignee);
    if (f.after) {
      params.push(f.after.late ? 0 : 1, f.after.dueAt, f.after.id);
      const n = params.length;
      where.push(
        `(CASE WHEN ${LATE} THEN 0 ELSE 1 END, r.due_at, r.id) > ($${n - 2}::int, $${n - 1}::timestamptz, $${n}::uuid)`,
      );
    }
    params.push(f.take);
    const found = await rows<QueueRow>(
      on(this.dataSource, manager),
      `SELECT r.id, r.status, r.patient_id, r.note, r.created_at, r.due_at, r.claimed_at, r.closed_at, r.closed_by, r.rejection_reason,
              r.applied_pcp_npi, r.previous_pcp_npi, ${LATE} AS late, ${cursorAtSql('r.due_at')} AS due_at_cursor,
              r.confirmed_by_name, r.confirmation_relationship, r.confirmation_relationship_other, r.confirmation_method, r.confirmed_at,
              r.confirmation_recorded_by, r.confirmation_recorded_at,
              u.id AS requester_id, u.kind AS requester_kind, u.first_name AS requester_first_name,
              u.last_name AS requester_last_name, u.email AS requester_email, u.npi AS requester_npi,
              u.status AS requester_status,
              s.id AS sponsor_id, s.first_name AS sponsor_first_name, s.last_name AS sponsor_last_name, s.npi AS sponsor_npi,
              u.practice_id, u.practice_name,
              a.id AS assignee_id, a.first_name AS assignee_first_name, a.last_name AS assignee_last_name
       FROM pcp_update_requests r
       JOIN account_directory u ON u.id = r.requester_id
       LEFT JOIN account_directory s ON s.id = u.sponsor_id
       LEFT JOIN account_directory a ON a.id = r.assignee_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY CASE WHEN ${LATE} THEN 0 ELSE 1 END, r.due_at, r.id
       LIMIT $${params.length}`,
      params,
    );
    return found.map(toQueueRecord);
  }

  /** The request's history, oldest first, with each actor's name. */
  async history(requestId: string, manager?: EntityManager): Promise<PcpUpdateHistoryEntry[]> {
    const found = await rows<EventRow>(
      on(this.dataSource, manager),
      `SELECT e.id, e.at, e.type, e.from_status, e.to_status, e.actor_id,
              CASE WHEN a.id IS NULL THEN NULL ELSE a.first_name || ' ' || a.last_name END AS actor_name, e.details
       FROM pcp_update_events e LEFT JOIN account_directory a ON a.id = e.actor_id
       WHERE e.request_id = $1 ORDER BY e.at, e.id`,
      [requestId],
    );
    return found.map((e) => ({
      id: e.id,
      at: e.at,
      type: e.type,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      actorId: e.actor_id,
      actorName: e.actor_name,
      details: e.details,
    }));
  }

  /** Requests still open or in progress due before `before`, by due date. */
  async findLate(before: Date, manager?: EntityManager): Promise<LateRequest[]> {
    const found = await rows<LateRow>(
      on(this.dataSource, manager),
      `SELECT r.id, r.status, r.created_at, r.due_at,
              CASE WHEN a.id IS NULL THEN NULL ELSE a.first_name || ' ' || a.last_name END AS assignee_name
       FROM pcp_update_requests r LEFT JOIN account_directory a ON a.id = r.assignee_id
       WHERE r.status IN ('open', 'in_progress') AND r.due_at < $1
       ORDER BY r.due_at, r.id`,
      [before],
    );
    return found.map((r) => ({
      id: r.id,
      status: r.status,
      createdAt: r.created_at,
      dueAt: r.due_at,
      assigneeName: r.assignee_name,
    }));
  }
}

function toQueueRecord(r: QueueRow): QueueRecord {
  return {
    id: r.id,
    status: r.status,
    patientId: r.patient_id,
    note: r.note,
    createdAt: r.created_at,
    dueAt: r.due_at,
    dueAtCursor: r.due_at_cursor,
    late: r.late,
    claimedAt: r.claimed_at,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    rejectionReason: r.rejection_reason,
    appliedPcpNpi: r.applied_pcp_npi,
    previousPcpNpi: r.previous_pcp_npi,
    confirmedByName: r.confirmed_by_name,
    confirmationRelationship: r.confirmation_relationship,
    confirmationRelationshipOther: r.confirmation_relationship_other,
    confirmationMethod: r.confirmation_method,
    confirmedAt: r.confirmed_at,
    confirmationRecordedBy: r.confirmation_recorded_by,
    confirmationRecordedAt: r.confirmation_recorded_at,
    requester: {
      id: r.requester_id,
      kind: r.requester_kind,
      firstName: r.requester_first_name,
      lastName: r.requester_last_name,
      email: r.requester_email,
      npi: r.requester_npi,
      status: r.requester_status,
    },
    sponsor: r.sponsor_id
      ? {
          id: r.sponsor_id,
          firstName: r.sponsor_first_name,
          lastName: r.sponsor_last_name,
          npi: r.sponsor_npi,
        }
      : null,
    practice: r.practice_id ? { id: r.practice_id, name: r.practice_name } : null,
    assignee: r.assignee_id
      ? { id: r.assignee_id, firstName: r.assignee_first_name, lastName: r.assignee_last_name }
      : null,
  };
}
