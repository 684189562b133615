import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, notFound } from '../../common/errors/problem.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../../common/pagination/cursor.js';
import type { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { Clock } from '../../common/time/clock.js';
import { addDays, hospitalDate, hospitalInstant } from '../../common/time/hospital-time.js';
import { AuditService } from '../audit/index.js';
import { type Account, AccountDirectoryService } from '../identity/index.js';
import { NotificationsService } from '../notifications/index.js';
import {
  AccessDecisionService,
  AccessGrantsService,
  PatientsService,
  PendingRequestsRegistry,
} from '../patient-access/index.js';
import { AccessRequestsRepository, type ClosedRequest } from './access-requests.repository.js';
import { ACCESS_REQUEST_TTL_DAYS, type AccessRequestStatus } from './entities/access-request.entity.js';
import { inTransaction } from '../../database/sql.js';

const DAY_MS = 86_400_000;

export interface MyAccessRequest {
  id: string;
  patientId: string;
  status: AccessRequestStatus;
  reason: string | null;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
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

type ListQuery = PageQueryDto & { status?: AccessRequestStatus };
type OutcomeTemplate = 'access-request-approved' | 'access-request-denied' | 'access-request-expired';

/** Accounts that should not get email about requests any more. */
const NO_MAIL_STATUSES = new Set(['deactivated', 'rejected']);

function listFilter(q: ListQuery) {
  const limit = pageLimit(q.limit);
  const after = decodeCursor(q.cursor, ['instant', 'uuid']);
  return {
    limit,
    filter: {
      status: q.status,
      after: after && ([after[0], after[1]] as [string, string]),
      limit: limit + 1,
    },
  };
}

@Injectable()
export class AccessRequestsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AccessRequestsRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly accounts: AccountDirectoryService,
    private readonly patients: PatientsService,
    private readonly decisions: AccessDecisionService,
    private readonly grants: AccessGrantsService,
    private readonly pendingRegistry: PendingRequestsRegistry,
  ) {}

  /** Search shows the caller's pending non-PCP requests (`pendingRequests`, kind `non_pcp`). */
  onModuleInit(): void {
    this.pendingRegistry.register('non_pcp', (userId, patientIds) =>
      this.repository.openForRequester(userId, patientIds, this.clock.now()),
    );
  }

  /** DELETE /access-requests/:id — the requester withdraws a pending request (status `withdrawn`). */
  async withdraw(user: AuthUser, id: string): Promise<void> {
    const now = this.clock.now();
    await inTransaction(this.dataSource, async (manager) => {
      const request = await this.repository.withdraw(id, user.id, now, manager);
      if (!request) {
        const current = await this.repository.effectiveStatus(id, now, manager, { requesterId: user.id });
        if (!current) throw notFound('No such access request.');
        throw conflict('request_not_pending', `This request is no longer pending (it is ${current}).`, {
          status: current,
        });
      }
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: 'access_request.withdraw',
          patientId: request.patientId,
          outcome: 'success',
          details: { requestId: id },
        },
        manager,
      );
    });
  }

  /** POST /patients/:patientId/access-requests */
  async create(
    user: AuthUser,
    patientId: string,
    reason: string | undefined,
  ): Promise<{ id: string; status: 'pending'; expiresAt: Date }> {
    const patient = await this.patients.findById(patientId);
    if (!patient) throw notFound('No such patient.');
    if (!patient.hasPortalAccount) {
      throw conflict(
        'no_portal_account',
        'The patient has no patient-portal account, so no one can approve a request; request PCP access instead.',
      );
    }
    const decision = await this.decisions.decide(user.id, patient.id);
    if (decision.allowed)
      throw conflict('already_authorized', 'You may already view this patient.', { basis: decision.basis });

    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + ACCESS_REQUEST_TTL_DAYS * DAY_MS);
    return inTransaction(this.dataSource, async (manager) => {
      // A pending request past its 30 days no longer blocks a new one, even before the expiry job ran.
      await this.repository.expireLapsed(user.id, patient.id, now, manager);
      const id = await this.repository.insertPending(
        { requesterId: user.id, patientId: patient.id, reason: reason || null, createdAt: now, expiresAt },
        manager,
      );
      if (!id) throw conflict('request_pending', 'You already have a pending request for this patient.');
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: 'access_request.create',
          patientId: patient.id,
          outcome: 'success',
          details: { requestId: id },
        },
        manager,
      );
      return { id, status: 'pending' as const, expiresAt };
    });
  }

  /** GET /access-requests: the caller's own requests, newest first. */
  async listMine(userId: string, q: ListQuery): Promise<Page<MyAccessRequest>> {
    const { limit, filter } = listFilter(q);
    const list = await this.repository.listForRequester(userId, this.clock.now(), filter);
    const page = toPage(list, limit, (r) => [r.cursorAt, r.id]);
    return { items: page.items.map(({ cursorAt: _c, ...r }) => r), nextCursor: page.nextCursor };
  }

  /** GET /integration/portal/patients/:mrn/access-requests */
  async listForPortal(mrn: string, q: ListQuery): Promise<Page<PortalAccessRequest>> {
    const patient = await this.patients.findByMrn(mrn);
    if (!patient) throw notFound('No patient with this MRN.');
    const { limit, filter } = listFilter(q);
    const list = await this.repository.listForPatient(patient.id, this.clock.now(), filter);
    const page = toPage(list, limit, (r) => [r.cursorAt, r.id]);
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

  /** GET /integration/portal/access-requests?status=&since= — the cross-patient feed the portal polls. */
  async feedForPortal(
    q: ListQuery & { since?: string },
  ): Promise<Page<PortalAccessRequest & { mrn: string; changedAt: string }>> {
    const { limit, filter } = listFilter(q);
    const list = await this.repository.feed(this.clock.now(), {
      status: filter.status,
      since: q.since ? new Date(q.since).toISOString() : null,
      after: filter.after,
      limit: filter.limit,
    });
    const page = toPage(list, limit, (r) => [r.cursorAt, r.id]);
    const mrns = new Map(
      (await this.patients.findCardsByIds([...new Set(page.items.map((r) => r.patientId))])).map((c) => [
        c.id,
        c.mrn,
      ]),
    );
    return {
      items: page.items.map((r) => ({
        id: r.id,
        mrn: mrns.get(r.patientId) ?? '',
        requester: { name: `${r.firstName} ${r.lastName}`, npi: r.npi, practice: r.practice, kind: r.kind },
        reason: r.reason,
        createdAt: new Date(r.createdAt).toISOString(),
        expiresAt: new Date(r.expiresAt).toISOString(),
        decidedAt: r.decidedAt ? new Date(r.decidedAt).toISOString() : null,
        status: r.status,
        changedAt: new Date(r.changedAt).toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** POST /integration/portal/patients/:mrn/access-requests/:id/decision — 404 when the request is not that patient's. */
  async decideForPatient(mrn: string, id: string, decision: 'approve' | 'deny', decidedBy: string) {
    const patient = await this.patients.findByMrn(mrn);
    if (!patient) throw notFound('No patient with this MRN.');
    return this.decide(id, decision, decidedBy, patient.id);
  }

  /** POST /integration/portal/access-requests/:id/decision (v1; `patientId` binds it to one patient) */
  async decide(
    id: string,
    decision: 'approve' | 'deny',
    decidedBy: string,
    patientId?: string,
  ): Promise<{ id: string; status: 'approved' | 'denied'; decidedAt: Date; grantId: string | null }> {
    const now = this.clock.now();
    const status = decision === 'approve' ? 'approved' : 'denied';
    return inTransaction(this.dataSource, async (manager) => {
      const request = await this.repository.decide(id, status, decidedBy, now, manager, patientId ?? null);
      if (!request) {
        const current = await this.repository.effectiveStatus(id, now, manager, { patientId });
        if (!current) throw notFound('No such access request.');
        throw conflict('request_not_pending', `This request is no longer pending (it is ${current}).`, {
          status: current,
        });
      }
      let grantId: string | null = null;
      if (status === 'approved') {
        grantId = await this.grants.grant(manager, {
          userId: request.requesterId,
          patientId: request.patientId,
          basis: 'approved_request',
          sourceId: id,
        });
        await this.repository.setGrant(id, grantId, manager);
      }
      await this.audit.record(
        {
          actorId: null,
          actorKind: 'portal',
          action: status === 'approved' ? 'access_request.approve' : 'access_request.deny',
          patientId: request.patientId,
          basis: status === 'approved' ? 'approved_request' : null,
          outcome: 'success',
          details: { requestId: id, requesterId: request.requesterId, decidedBy, grantId },
        },
        manager,
      );
      await this.notifyRequesters(
        manager,
        status === 'approved' ? 'access-request-approved' : 'access-request-denied',
        [request],
      );
      return { id, status, decidedAt: now, grantId };
    });
  }

  /**
   * Job `access-request-expiry` for hospital date `asOf`: every request still pending whose 30 days
   * ended by the end of `asOf` (and not after now) becomes `expired`; its requester is told.
   * Set-based (one UPDATE, one read of the requesters, one outbox write); a second run finds nothing left.
   */
  async expire(asOf: string): Promise<number> {
    const now = this.clock.now();
    const endOfDay = hospitalInstant(addDays(asOf, 1));
    const cutoff = endOfDay < now ? endOfDay : now;
    return inTransaction(this.dataSource, async (manager) => {
      const expired = await this.repository.expireDue(cutoff, manager);
      await this.notifyRequesters(manager, 'access-request-expired', expired);
      if (expired.length) {
        await this.audit.record(
          {
            actorId: null,
            actorKind: 'system',
            action: 'access_request.expire',
            outcome: 'success',
            details: { asOf, count: expired.length, requestIds: expired.slice(0, 500).map((r) => r.id) },
          },
          manager,
        );
      }
      return expired.length;
    });
  }

  /** Tells each requester their request's outcome (no patient data), skipping accounts that are gone. */
  private async notifyRequesters(
    manager: EntityManager,
    template: OutcomeTemplate,
    requests: ClosedRequest[],
  ): Promise<void> {
    if (!requests.length) return;
    const accounts = new Map<string, Account>(
      (await this.accounts.findManyByIds([...new Set(requests.map((r) => r.requesterId))], manager)).map(
        (a) => [a.id, a],
      ),
    );
    const items = requests.flatMap((r) => {
      const u = accounts.get(r.requesterId);
      if (!u || NO_MAIL_STATUSES.has(u.status)) return [];
      const data = {
        firstName: u.firstName,
        lastName: u.lastName,
        requestedOn: hospitalDate(new Date(r.createdAt)),
      };
      return [{ to: u.email, data, idempotencyKey: `${template}:${r.id}` }];
    });
    if (!items.length) return;
    if (template === 'access-request-expired') {
      await this.notifications.recordMany(
        manager,
        template,
        items.map((i) => ({ ...i, data: { ...i.data, ttlDays: ACCESS_REQUEST_TTL_DAYS } })),
      );
    } else {
      await this.notifications.recordMany(manager, template, items);
    }
  }
}
