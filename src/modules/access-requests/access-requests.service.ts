import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { addDays, hospitalDate, hospitalInstant } from '../../common/time/hospital-time.js';
import { AuditService } from '../audit/audit.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { AccessDecisionService } from '../patient-access/access-decision.service.js';
import { AccessGrantsService } from '../patient-access/access-grants.service.js';
import { PatientsService } from '../patient-access/patients.service.js';
import { ACCESS_REQUEST_TTL_DAYS, type AccessRequestStatus } from './entities/access-request.entity.js';
import { cursorAtSql, decodeCursor, type Page, pageLimit, toPage } from '../../common/pagination/cursor.js';
import type { PageQueryDto } from '../../common/pagination/page-query.dto.js';

const DAY_MS = 86_400_000;

/** Status as the reader sees it: a pending request past its expiry is expired even before the job ran. */
const EFFECTIVE_STATUS = (alias: string, nowParam: string) =>
  `CASE WHEN ${alias}.status = 'pending' AND ${alias}.expires_at <= ${nowParam} THEN 'expired' ELSE ${alias}.status END`;

export interface MyAccessRequest {
  id: string;
  patientId: string;
  status: AccessRequestStatus;
  reason: string | null;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
}

export interface PortalAccessRequest {
  id: string;
  requester: { name: string; npi: string | null; practice: string | null; kind: string };
  reason: string | null;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  status: AccessRequestStatus;
}

/** Accounts that should not get email about requests any more. */
const NO_MAIL_STATUSES = new Set(['deactivated', 'rejected']);

@Injectable()
export class AccessRequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly patients: PatientsService,
    private readonly decisions: AccessDecisionService,
    private readonly grants: AccessGrantsService,
  ) {}

  /** POST /patients/:patientId/access-requests */
  async create(user: AuthUser, patientId: string, reason: string | undefined): Promise<{ id: string; status: 'pending'; expiresAt: Date }> {
    const patient = await this.patients.findById(patientId);
    if (!patient) throw notFound('No such patient.');
    if (!patient.hasPortalAccount) {
      throw conflict('no_portal_account', 'The patient has no patient-portal account, so no one can approve a request; request PCP access instead.');
    }
    const decision = await this.decisions.decide(user.id, patient.id);
    if (decision.allowed) throw conflict('already_authorized', 'You may already view this patient.', { basis: decision.basis });

    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + ACCESS_REQUEST_TTL_DAYS * DAY_MS);
    return this.dataSource.transaction(async (manager) => {
      // A pending request past its 30 days no longer blocks a new one, even before the expiry job ran.
      await manager.query(
        `UPDATE access_requests SET status = 'expired', decided_at = expires_at
          WHERE requester_id = $1 AND patient_id = $2 AND status = 'pending' AND expires_at <= $3`,
        [user.id, patient.id, now],
      );
      const rows: Array<{ id: string }> = await manager.query(
        `INSERT INTO access_requests (requester_id, patient_id, reason, status, created_at, expires_at)
         VALUES ($1, $2, $3, 'pending', $4, $5)
         ON CONFLICT (requester_id, patient_id) WHERE status = 'pending' DO NOTHING
         RETURNING id`,
        [user.id, patient.id, reason || null, now, expiresAt],
      );
      if (!rows[0]) throw conflict('request_pending', 'You already have a pending request for this patient.');
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: 'access_request.create',
          patientId: patient.id,
          outcome: 'success',
          details: { requestId: rows[0].id },
        },
        manager,
      );
      return { id: rows[0].id, status: 'pending' as const, expiresAt };
    });
  }

  /** GET /access-requests: the caller's own requests, newest first. */
  async listMine(userId: string, q: PageQueryDto & { status?: AccessRequestStatus }): Promise<Page<MyAccessRequest>> {
    const limit = pageLimit(q.limit);
    const cursor = decodeCursor(q.cursor, ['instant', 'uuid']);
    const rows: Array<MyAccessRequest & { cursorAt: string }> = await this.dataSource.query(
      `SELECT * FROM (
         SELECT r.id, r.patient_id AS "patientId", ${EFFECTIVE_STATUS('r', '$2')} AS status, r.reason,
                r.created_at AS "createdAt", r.expires_at AS "expiresAt",
                CASE WHEN r.status = 'pending' AND r.expires_at <= $2 THEN r.expires_at ELSE r.decided_at END AS "decidedAt",
                ${cursorAtSql('r.created_at')} AS "cursorAt"
           FROM access_requests r
          WHERE r.requester_id = $1
            AND ($4::timestamptz IS NULL OR (r.created_at, r.id) < ($4::timestamptz, $5::uuid))
       ) x
       WHERE ($3::text IS NULL OR x.status = $3)
       ORDER BY x."createdAt" DESC, x.id DESC
       LIMIT $6`,
      [userId, this.clock.now(), q.status ?? null, cursor?.[0] ?? null, cursor?.[1] ?? null, limit + 1],
    );
    const page = toPage(rows, limit, (r) => [r.cursorAt, r.id]);
    return { items: page.items.map(({ cursorAt: _c, ...r }) => r), nextCursor: page.nextCursor };
  }

  /** GET /integration/portal/patients/:mrn/access-requests */
  async listForPortal(mrn: string, q: PageQueryDto & { status?: AccessRequestStatus }): Promise<Page<PortalAccessRequest>> {
    const patient = await this.patients.findByMrn(mrn);
    if (!patient) throw notFound('No patient with this MRN.');
    const limit = pageLimit(q.limit);
    const cursor = decodeCursor(q.cursor, ['instant', 'uuid']);
    const rows: Array<{
      id: string;
      firstName: string;
      lastName: string;
      npi: string | null;
      practice: string | null;
      kind: string;
      reason: string | null;
      createdAt: Date;
      expiresAt: Date;
      decidedAt: Date | null;
      status: AccessRequestStatus;
      cursorAt: string;
    }> = await this.dataSource.query(
      `SELECT * FROM (
         SELECT r.id, u.first_name AS "firstName", u.last_name AS "lastName", u.npi, u.kind,
                pr.name AS practice, r.reason, r.created_at AS "createdAt", r.expires_at AS "expiresAt",
                CASE WHEN r.status = 'pending' AND r.expires_at <= $2 THEN r.expires_at ELSE r.decided_at END AS "decidedAt",
                ${EFFECTIVE_STATUS('r', '$2')} AS status,
                ${cursorAtSql('r.created_at')} AS "cursorAt"
           FROM access_requests r
           JOIN users u ON u.id = r.requester_id
           LEFT JOIN users s ON u.kind = 'sponsored' AND s.id = u.sponsor_id
           LEFT JOIN practices pr ON pr.id = COALESCE(u.practice_id, s.practice_id)
          WHERE r.patient_id = $1
            AND ($4::timestamptz IS NULL OR (r.created_at, r.id) < ($4::timestamptz, $5::uuid))
       ) x
       WHERE ($3::text IS NULL OR x.status = $3)
       ORDER BY x."createdAt" DESC, x.id DESC
       LIMIT $6`,
      [patient.id, this.clock.now(), q.status ?? null, cursor?.[0] ?? null, cursor?.[1] ?? null, limit + 1],
    );
    const page = toPage(rows, limit, (r) => [r.cursorAt, r.id]);
    return {
      items: page.items.map((r) => ({
        id: r.id,
        requester: { name: `${r.firstName} ${r.lastName}`, npi: r.npi, practice: r.practice, kind: r.kind },
        reason: r.reason,
        createdAt: new Date(r.createdAt).toISOString(),
        expiresAt: new Date(r.expiresAt).toISOString(),
        decidedAt: r.decidedAt ? new Date(r.decidedAt).toISOString() : null,
        status: r.status,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** POST /integration/portal/access-requests/:id/decision */
  async decide(
    id: string,
    decision: 'approve' | 'deny',
    decidedBy: string,
  ): Promise<{ id: string; status: 'approved' | 'denied'; decidedAt: Date; grantId: string | null }> {
    const now = this.clock.now();
    const status = decision === 'approve' ? 'approved' : 'denied';
    return this.dataSource.transaction(async (manager) => {
      const [updated]: [Array<{ requester_id: string; patient_id: string; created_at: Date }>, number] = await manager.query(
        `UPDATE access_requests SET status = $2, decided_at = $3, decided_by = $4
          WHERE id = $1 AND status = 'pending' AND expires_at > $3
          RETURNING requester_id, patient_id, created_at`,
        [id, status, now, decidedBy],
      );
      if (!updated.length) {
        const [existing] = await manager.query(`SELECT ${EFFECTIVE_STATUS('r', '$2')} AS status FROM access_requests r WHERE id = $1`, [id, now]);
        if (!existing) throw notFound('No such access request.');
        throw conflict('request_not_pending', `This request is no longer pending (it is ${existing.status}).`, { status: existing.status });
      }
      const request = updated[0];
      let grantId: string | null = null;
      if (status === 'approved') {
        grantId = await this.grants.grant(manager, {
          userId: request.requester_id,
          patientId: request.patient_id,
          basis: 'approved_request',
          sourceId: id,
        });
        await manager.query(`UPDATE access_requests SET grant_id = $2 WHERE id = $1`, [id, grantId]);
      }
      await this.audit.record(
        {
          actorId: null,
          actorKind: 'portal',
          action: status === 'approved' ? 'access_request.approve' : 'access_request.deny',
          patientId: request.patient_id,
          basis: status === 'approved' ? 'approved_request' : null,
          outcome: 'success',
          details: { requestId: id, requesterId: request.requester_id, decidedBy, grantId },
        },
        manager,
      );
      await this.notifyRequester(manager, request.requester_id, status === 'approved' ? 'access-request-approved' : 'access-request-denied', id, request.created_at);
      return { id, status, decidedAt: now, grantId };
    });
  }

  /**
   * Job `access-request-expiry` for hospital date `asOf`: every request still pending whose 30 days
   * ended by the end of `asOf` (and not after now) becomes `expired`; its requester is told.
   * One set-based UPDATE; a second run finds nothing left to change.
   */
  async expire(asOf: string): Promise<number> {
    const now = this.clock.now();
    const endOfDay = hospitalInstant(addDays(asOf, 1));
    const cutoff = endOfDay < now ? endOfDay : now;
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ id: string; requester_id: string; created_at: Date; patient_id: string }> = await manager.query(
        `WITH expired AS (
           UPDATE access_requests SET status = 'expired', decided_at = expires_at
            WHERE status = 'pending' AND expires_at <= $1
            RETURNING id, requester_id, patient_id, created_at)
         SELECT id, requester_id, patient_id, created_at FROM expired`,
        [cutoff],
      );
      for (const r of rows) {
        await this.notifyRequester(manager, r.requester_id, 'access-request-expired', r.id, r.created_at);
      }
      if (rows.length) {
        await this.audit.record(
          {
            actorId: null,
            actorKind: 'system',
            action: 'access_request.expire',
            outcome: 'success',
            details: { asOf, count: rows.length, requestIds: rows.slice(0, 500).map((r) => r.id) },
          },
          manager,
        );
      }
      return rows.length;
    });
  }

  private async notifyRequester(
    manager: EntityManager,
    requesterId: string,
    template: 'access-request-approved' | 'access-request-denied' | 'access-request-expired',
    requestId: string,
    createdAt: Date,
  ): Promise<void> {
    const [u]: Array<{ email: string; first_name: string; last_name: string; status: string }> = await manager.query(
      `SELECT email, first_name, last_name, status FROM users WHERE id = $1`,
      [requesterId],
    );
    if (!u || NO_MAIL_STATUSES.has(u.status)) return;
    await this.notifications.record(manager, {
      template,
      to: u.email,
      data: {
        firstName: u.first_name,
        lastName: u.last_name,
        requestedOn: hospitalDate(new Date(createdAt)),
        ...(template === 'access-request-expired' ? { ttlDays: ACCESS_REQUEST_TTL_DAYS } : {}),
      },
      idempotencyKey: `${template}:${requestId}`,
    });
  }
}
