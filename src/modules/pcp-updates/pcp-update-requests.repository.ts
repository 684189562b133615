import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { affected, isUniqueViolation, one, on, returning, rows } from '../../database/sql.js';
import type { PcpUpdateEventType } from './entities/pcp-update-event.entity.js';
import type { PcpUpdateStatus } from './entities/pcp-update-request.entity.js';
import type {
  LateRequest,
  NewPcpUpdateEvent,
  NewPcpUpdateRequest,
  PcpConfirmation,
  PcpRequester,
  PcpUpdateHistoryEntry,
  PcpUpdateRequestState,
  QueueFilter,
  QueueRecord,
} from './pcp-update.records.js';

export type * from './pcp-update.records.js';

/** One open/in_progress request per requester and patient (partial unique index, hand-written migration). */
const ACTIVE_INDEX = 'uq_pcp_update_requests_active';

/** True when `err` is the duplicate of a requester's still-active request for the same patient. */
export const isDuplicateActiveRequest = (err: unknown) => isUniqueViolation(err, ACTIVE_INDEX);

interface StateRow {
  id: string;
  patient_id: string;
  requester_id: string;
  status: PcpUpdateStatus;
  assignee_id: string | null;
  created_at: Date;
  due_at: Date;
  confirmed_at: Date | null;
}

interface RequesterRow {
  id: string;
  kind: string;
  email: string;
  first_name: string;
  last_name: string;
  npi: string | null;
  status: string;
  sponsor_id: string | null;
  sponsor_npi: string | null;
  sponsor_status: string | null;
  practice_id: string | null;
  practice_name: string | null;
}

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
 * All SQL of `pcp_update_requests` and `pcp_update_events`. People (requester, sponsor, assignee,
 * effective practice) come from identity's `account_directory` view; patient data is patient-access's
 * and is not read here.
 */
@Injectable()
export class PcpUpdateRequestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts an open request; a duplicate active one fails on the partial unique index (see `isDuplicateActiveRequest`). */
  async insert(request: NewPcpUpdateRequest, manager?: EntityManager): Promise<{ id: string }> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO pcp_update_requests (patient_id, requester_id, note, status, created_at, updated_at, due_at)
       VALUES ($1, $2, $3, 'open', $4, $4, $5) RETURNING id`,
      [request.patientId, request.requesterId, request.note, request.createdAt, request.dueAt],
    );
    return row;
  }

  /** The requester's open or in-progress request for the patient, if any. */
  async findActiveId(requesterId: string, patientId: string, manager?: EntityManager): Promise<string | undefined> {
    const row = await one<{ id: string }>(
      on(this.dataSource, manager),
      `SELECT id FROM pcp_update_requests WHERE requester_id = $1 AND patient_id = $2 AND status IN ('open', 'in_progress')`,
      [requesterId, patientId],
    );
    return row?.id;
  }

  /** Reads and row-locks the request for a transition (in the caller's transaction). */
  async lock(id: string, manager: EntityManager): Promise<PcpUpdateRequestState | undefined> {
    const row = await one<StateRow>(
      manager,
      `SELECT id, patient_id, requester_id, status, assignee_id, created_at, due_at, confirmed_at
       FROM pcp_update_requests WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row && toState(row);
  }

  async markClaimed(id: string, assigneeId: string, at: Date, manager?: EntityManager): Promise<boolean> {
    const claimed = await returning<{ id: string }>(
      on(this.dataSource, manager),
      `UPDATE pcp_update_requests SET status = 'in_progress', assignee_id = $2, claimed_at = $3, updated_at = $3
       WHERE id = $1 AND status = 'open' RETURNING id`,
      [id, assigneeId, at],
    );
    return claimed.length === 1;
  }

  async markReleased(id: string, at: Date, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `UPDATE pcp_update_requests SET status = 'open', assignee_id = NULL, updated_at = $2 WHERE id = $1`,
      [id, at],
    );
  }

  /** Records (or replaces) the family's confirmation. */
  async saveConfirmation(id: string, c: PcpConfirmation, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `UPDATE pcp_update_requests SET confirmed_by_name = $2, confirmation_relationship = $3, confirmation_method = $4,
         confirmed_at = $5, confirmation_recorded_by = $6, confirmation_recorded_at = $7, updated_at = $7,
         confirmation_relationship_other = $8
       WHERE id = $1`,
      [id, c.confirmedByName, c.relationship, c.method, c.confirmedAt, c.recordedBy, c.recordedAt, c.relationshipOther],
    );
  }

  async markCompleted(
    id: string,
    done: { at: Date; closedBy: string; appliedPcpNpi: string; previousPcpNpi: string | null },
    manager?: EntityManager,
  ): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `UPDATE pcp_update_requests SET status = 'completed', closed_at = $2, closed_by = $3, applied_pcp_npi = $4,
         previous_pcp_npi = $5, updated_at = $2 WHERE id = $1`,
      [id, done.at, done.closedBy, done.appliedPcpNpi, done.previousPcpNpi],
    );
  }

  async markRejected(id: string, done: { at: Date; closedBy: string; reason: string }, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `UPDATE pcp_update_requests SET status = 'rejected', rejection_reason = $2, closed_at = $3, closed_by = $4, updated_at = $3
       WHERE id = $1`,
      [id, done.reason, done.at, done.closedBy],
    );
  }

  /** The requester withdrew it (any assignee stays on record, like a rejection's). */
  async markWithdrawn(id: string, at: Date, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `UPDATE pcp_update_requests SET status = 'withdrawn', closed_at = $2, closed_by = requester_id, updated_at = $2 WHERE id = $1`,
      [id, at],
    );
  }

  async addEvent(event: NewPcpUpdateEvent, manager?: EntityManager): Promise<void> {
    await rows(
      on(this.dataSource, manager),
      `INSERT INTO pcp_update_events (request_id, at, actor_id, type, from_status, to_status, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [event.requestId, event.at, event.actorId, event.type, event.fromStatus, event.toStatus, JSON.stringify(event.details)],
    );
  }

  /** The requester with their sponsor's NPI and status and their effective practice's name. */
  async findRequester(userId: string, manager?: EntityManager): Promise<PcpRequester | undefined> {
    const row = await one<RequesterRow>(
      on(this.dataSource, manager),
      `SELECT u.id, u.kind, u.email, u.first_name, u.last_name, u.npi, u.status, u.sponsor_id, u.practice_id, u.practice_name,
              s.npi AS sponsor_npi, s.status AS sponsor_status
       FROM account_directory u LEFT JOIN account_directory s ON s.id = u.sponsor_id
       WHERE u.id = $1`,
      [userId],
    );
    return (
      row && {
        id: row.id,
        kind: row.kind,
        email: row.email,
        firstName: row.first_name,
        lastName: row.last_name,
        npi: row.npi,
        status: row.status,
        sponsorId: row.sponsor_id,
        sponsorNpi: row.sponsor_npi,
        sponsorStatus: row.sponsor_status,
        practiceId: row.practice_id,
        practiceName: row.practice_name,
      }
    );
  }

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
      where.push(`(CASE WHEN ${LATE} THEN 0 ELSE 1 END, r.due_at, r.id) > ($${n - 2}::int, $${n - 1}::timestamptz, $${n}::uuid)`);
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
    return found.map((r) => ({ id: r.id, status: r.status, createdAt: r.created_at, dueAt: r.due_at, assigneeName: r.assignee_name }));
  }
}

function toState(r: StateRow): PcpUpdateRequestState {
  return {
    id: r.id,
    patientId: r.patient_id,
    requesterId: r.requester_id,
    status: r.status,
    assigneeId: r.assignee_id,
    createdAt: r.created_at,
    dueAt: r.due_at,
    confirmedAt: r.confirmed_at,
  };
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
    sponsor: r.sponsor_id ? { id: r.sponsor_id, firstName: r.sponsor_first_name, lastName: r.sponsor_last_name, npi: r.sponsor_npi } : null,
    practice: r.practice_id ? { id: r.practice_id, name: r.practice_name } : null,
    assignee: r.assignee_id ? { id: r.assignee_id, firstName: r.assignee_first_name, lastName: r.assignee_last_name } : null,
  };
}
