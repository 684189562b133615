import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { affected, on, one, returning, rows } from '../../database/sql.js';
import type { AccessRequestStatus } from './entities/access-request.entity.js';

/** Status as the reader sees it: a pending request past its expiry is expired even before the job ran. */
const effectiveStatusSql = (alias: string, nowParam: string) =>
  `CASE WHEN ${alias}.status = 'pending' AND ${alias}.expires_at <= ${nowParam} THEN 'expired' ELSE ${alias}.status END`;
/** Likewise its decision time: an expired-by-time request was decided at its expiry. */
const effectiveDecidedAtSql = (alias: string, nowParam: string) =>
  `CASE WHEN ${alias}.status = 'pending' AND ${alias}.expires_at <= ${nowParam} THEN ${alias}.expires_at ELSE ${alias}.decided_at END`;

export interface NewAccessRequest {
  requesterId: string;
  patientId: string;
  reason: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** A request as its requester lists it. */
export interface RequesterRequestRow {
  id: string;
  patientId: string;
  status: AccessRequestStatus;
  reason: string | null;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  cursorAt: string;
}

/** A request as the portal lists it, with the requester from the account directory. */
export interface PortalRequestRow {
  id: string;
  firstName: string;
  lastName: string;
  npi: string | null;
  kind: string;
  /** The requester's effective practice's name. */
  practice: string | null;
  reason: string | null;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  status: AccessRequestStatus;
  cursorAt: string;
}

/** A request that was just decided or expired: who asked, for whom, when. */
export interface ClosedRequest {
  id: string;
  requesterId: string;
  patientId: string;
  createdAt: Date;
}

export interface ListFilter {
  status?: AccessRequestStatus;
  /** Keyset [createdAt, id] of the last row of the previous page. */
  after: [string, string] | null;
  limit: number;
}

interface ClosedRow {
  id: string;
  requester_id: string;
  patient_id: string;
  created_at: Date;
}

const toClosed = (r: ClosedRow): ClosedRequest => ({
  id: r.id,
  requesterId: r.requester_id,
  patientId: r.patient_id,
  createdAt: r.created_at,
});

/** Non-PCP access requests (table `access_requests`). */
@Injectable()
export class AccessRequestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Closes the requester's pending request for the patient whose time ran out, so it no longer blocks a new one. */
  async expireLapsed(
    requesterId: string,
    patientId: string,
    now: Date,
    manager?: EntityManager,
  ): Promise<number> {
    return affected(
      on(this.dataSource, manager),
      `UPDATE access_requests SET status = 'expired', decided_at = expires_at
        WHERE requester_id = $1 AND patient_id = $2 AND status = 'pending' AND expires_at <= $3`,
      [requesterId, patientId, now],
    );
  }

  /** Inserts a pending request; undefined when one is already pending (`uq_access_requests_pending`). */
  async insertPending(r: NewAccessRequest, manager?: EntityManager): Promise<string | undefined> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO access_requests (requester_id, patient_id, reason, status, created_at, expires_at)
       VALUES ($1, $2, $3, 'pending', $4, $5)
       ON CONFLICT (requester_id, patient_id) WHERE status = 'pending' DO NOTHING
       RETURNING id`,
      [r.requesterId, r.patientId, r.reason, r.createdAt, r.expiresAt],
    );
    return row?.id;
  }

  /** Inserts a request in any status as given (test factories: lists and expiry). */
  async insert(
    r: Omit<NewAccessRequest, 'reason'> & {
      reason?: string | null;
      status: AccessRequestStatus;
      decidedAt: Date | null;
    },
    manager?: EntityManager,
  ): Promise<string> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO access_requests (requester_id, patient_id, reason, status, created_at, expires_at, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [r.requesterId, r.patientId, r.reason ?? null, r.status, r.createdAt, r.expiresAt, r.decidedAt],
    );
    return row.id;
  }

  listForRequester(
    requesterId: string,
    now: Date,
    f: ListFilter,
    manager?: EntityManager,
  ): Promise<RequesterRequestRow[]> {
    return rows(
      on(this.dataSource, manager),
      `SELECT x.id, x."patientId", x.status, x.reason, x."createdAt", x."expiresAt", x."decidedAt", x."cursorAt" FROM (
         SELECT r.id, r.patient_id AS "patientId", ${effectiveStatusSql('r', '$2')} AS status, r.reason,
                r.created_at AS "createdAt", r.expires_at AS "expiresAt", ${effectiveDecidedAtSql('r', '$2')} AS "decidedAt",
                ${cursorAtSql('r.created_at')} AS "cursorAt"
           FROM access_requests r
          WHERE r.requester_id = $1
            AND ($4::timestamptz IS NULL OR (r.created_at, r.id) < ($4::timestamptz, $5::uuid))
       ) x
       WHERE ($3::text IS NULL OR x.status = $3)
       ORDER BY x."createdAt" DESC, x.id DESC
       LIMIT $6`,
      [requesterId, now, f.status ?? null, f.after?.[0] ?? null, f.after?.[1] ?? null, f.limit],
    );
  }

  listForPatient(
    patientId: string,
    now: Date,
    f: ListFilter,
    manager?: EntityManager,
  ): Promise<PortalRequestRow[]> {
    return rows(
      on(this.dataSource, manager),
      `SELECT x.id, x."firstName", x."lastName", x.npi, x.kind, x.practice, x.reason, x."createdAt", x."expiresAt",
              x."decidedAt", x.status, x."cursorAt" FROM (
         SELECT r.id, u.first_name AS "firstName", u.last_name AS "lastName", u.npi, u.kind,
                u.practice_name AS practice, r.reason, r.created_at AS "createdAt", r.expires_at AS "expiresAt",
                ${effectiveDecidedAtSql('r', '$2')} AS "decidedAt", ${effectiveStatusSql('r', '$2')} AS status,
                ${cursorAtSql('r.created_at')} AS "cursorAt"
           FROM access_requests r
           JOIN account_directory u ON u.id = r.requester_id
          WHERE r.patient_id = $1
            AND ($4::timestamptz IS NULL OR (r.created_at, r.id) < ($4::timestamptz, $5::uuid))
       ) x
       WHERE ($3::text IS NULL OR x.status = $3)
       ORDER BY x."createdAt" DESC, x.id DESC
       LIMIT $6`,
      [patientId, now, f.status ?? null, f.after?.[0] ?? null, f.after?.[1] ?? null, f.limit],
    );
  }

  /**
   * Requests across patients, oldest last status change first (`changedAt`: the effective decision
   * time, else creation), after `since` (exclusive) and the keyset `after` ([changedAt, id]).
   */
  feed(
    now: Date,
    f: { status?: AccessRequestStatus; since: string | null; after: [string, string] | null; limit: number },
    manager?: EntityManager,
  ): Promise<
    Array<Omit<PortalRequestRow, 'cursorAt'> & { patientId: string; changedAt: Date; cursorAt: string }>
  > {
    return rows(
      on(this.dataSource, manager),
      `SELECT x.* FROM (
         SELECT r.id, r.patient_id AS "patientId", u.first_name AS "firstName", u.last_name AS "lastName", u.npi, u.kind,
                u.practice_name AS practice, r.reason, r.created_at AS "createdAt", r.expires_at AS "expiresAt",
                ${effectiveDecidedAtSql('r', '$1')} AS "decidedAt", ${effectiveStatusSql('r', '$1')} AS status,
                COALESCE(${effectiveDecidedAtSql('r', '$1')}, r.created_at) AS "changedAt",
                ${cursorAtSql(`COALESCE(${effectiveDecidedAtSql('r', '$1')}, r.created_at)`)} AS "cursorAt"
           FROM access_requests r
           JOIN account_directory u ON u.id = r.requester_id) x
        WHERE ($2::text IS NULL OR x.status = $2)
          AND ($3::timestamptz IS NULL OR x."changedAt" > $3)
          AND ($4::timestamptz IS NULL OR (x."changedAt", x.id) > ($4::timestamptz, $5::uuid))
        ORDER BY x."changedAt", x.id
        LIMIT $6`,
      [now, f.status ?? null, f.since, f.after?.[0] ?? null, f.after?.[1] ?? null, f.limit],
    );
  }

  /** Decides a request still pending and not past its expiry; undefined otherwise. */
  async decide(
    id: string,
    status: 'approved' | 'denied',
    decidedBy: string,
    now: Date,
    manager?: EntityManager,
    patientId: string | null = null,
  ): Promise<ClosedRequest | undefined> {
    const [row] = await returning<ClosedRow>(
      on(this.dataSource, manager),
      `UPDATE access_requests SET status = $2, decided_at = $3, decided_by = $4
        WHERE id = $1 AND status = 'pending' AND expires_at > $3 AND ($5::uuid IS NULL OR patient_id = $5)
        RETURNING id, requester_id, patient_id, created_at`,
      [id, status, now, decidedBy, patientId],
    );
    return row && toClosed(row);
  }

  /**
   * Withdraws the requester's own request while it is pending and not past its expiry; undefined
   * otherwise (unknown, someone else's, or no longer pending).
   */
  async withdraw(
    id: string,
    requesterId: string,
    now: Date,
    manager?: EntityManager,
  ): Promise<ClosedRequest | undefined> {
    const [row] = await returning<ClosedRow>(
      on(this.dataSource, manager),
      `UPDATE access_requests SET status = 'withdrawn', decided_at = $3
        WHERE id = $1 AND requester_id = $2 AND status = 'pending' AND expires_at > $3
        RETURNING id, requester_id, patient_id, created_at`,
      [id, requesterId, now],
    );
    return row && toClosed(row);
  }

  /** The requester's open (pending, not lapsed) requests among these patients: one statement. */
  openForRequester(
    requesterId: string,
    patientIds: string[],
    now: Date,
    manager?: EntityManager,
  ): Promise<Array<{ patientId: string; id: string; status: string }>> {
    return rows(
      on(this.dataSource, manager),
      `SELECT r.patient_id AS "patientId", r.id, r.status
         FROM access_requests r
        WHERE r.requester_id = $1 AND r.patient_id = ANY($2::uuid[]) AND r.status = 'pending' AND r.expires_at > $3`,
      [requesterId, patientIds, now],
    );
  }

  /** The request's status as of `now`; undefined when there is no such request. */
  async effectiveStatus(
    id: string,
    now: Date,
    manager?: EntityManager,
    scope: { requesterId?: string; patientId?: string } = {},
  ): Promise<AccessRequestStatus | undefined> {
    const row = await one<{ status: AccessRequestStatus }>(
      on(this.dataSource, manager),
      `SELECT ${effectiveStatusSql('r', '$2')} AS status FROM access_requests r
        WHERE r.id = $1 AND ($3::uuid IS NULL OR r.requester_id = $3) AND ($4::uuid IS NULL OR r.patient_id = $4)`,
      [id, now, scope.requesterId ?? null, scope.patientId ?? null],
    );
    return row?.status;
  }

  async setGrant(id: string, grantId: string, manager?: EntityManager): Promise<void> {
    await affected(on(this.dataSource, manager), `UPDATE access_requests SET grant_id = $2 WHERE id = $1`, [
      id,
      grantId,
    ]);
  }

  /** Every request still pending whose expiry is at or before `cutoff` becomes expired: one set-based statement. */
  async expireDue(cutoff: Date, manager?: EntityManager): Promise<ClosedRequest[]> {
    const list = await rows<ClosedRow>(
      on(this.dataSource, manager),
      `WITH expired AS (
         UPDATE access_requests SET status = 'expired', decided_at = expires_at
          WHERE status = 'pending' AND expires_at <= $1
          RETURNING id, requester_id, patient_id, created_at)
       SELECT id, requester_id, patient_id, created_at FROM expired`,
      [cutoff],
    );
    return list.map(toClosed);
  }
}
