import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { affected, isUniqueViolation, one, on, returning, rows } from '../../database/sql.js';
import type { PcpUpdateStatus } from './entities/pcp-update-request.entity.js';
import type {
  NewPcpUpdateEvent,
  NewPcpUpdateRequest,
  PcpConfirmation,
  PcpRequester,
  PcpUpdateRequestState,
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

/**
 * The SQL of `pcp_update_requests` and `pcp_update_events` for a request's workflow (create, claim,
 * confirm, close, events); the staff queue's reads are in pcp-update-queue.repository.ts. People
 * (requester, sponsor, assignee, effective practice) come from identity's `account_directory` view;
 * patient data is patient-access's and is not read here.
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
  async findActiveId(
    requesterId: string,
    patientId: string,
    manager?: EntityManager,
  ): Promise<string | undefined> {
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
      [
        id,
        c.confirmedByName,
        c.relationship,
        c.method,
        c.confirmedAt,
        c.recordedBy,
        c.recordedAt,
        c.relationshipOther,
      ],
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

  async markRejected(
    id: string,
    done: { at: Date; closedBy: string; reason: string },
    manager?: EntityManager,
  ): Promise<void> {
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
      [
        event.requestId,
        event.at,
        event.actorId,
        event.type,
        event.fromStatus,
        event.toStatus,
        JSON.stringify(event.details),
      ],
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
