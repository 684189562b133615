import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, notFound } from '../../common/errors/problem.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { isUuid } from '../../common/validation/uuid.js';
import { AuditService } from '../audit/index.js';
import { PatientsService } from '../patient-access/index.js';
import { type InvitationStatus, InvitationsRepository } from './invitations.repository.js';
import { inTransaction } from '../../database/sql.js';

export interface InvitationView {
  id: string;
  mrn?: string;
  recipientEmail: string;
  createdAt: string;
  expiresAt: string;
  status: InvitationStatus;
}

export interface InvitationListQuery {
  limit?: number;
  cursor?: string;
  status?: InvitationStatus;
  mrn?: string;
}

type Canceller = { kind: 'staff'; user: AuthUser } | { kind: 'portal' };

/** Who was invited to a record and what became of it; cancelling an unused invitation (API.md v1.1). */
@Injectable()
export class InvitationAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: InvitationsRepository,
    private readonly patients: PatientsService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** `GET /integration/portal/patients/:mrn/invitations` — 404 for an unknown MRN. */
  async listForPortal(mrn: string, q: InvitationListQuery): Promise<Page<InvitationView>> {
    const patient = await this.patients.findByMrn(mrn);
    if (!patient) throw notFound('No patient with this MRN.');
    return this.list(patient.id, q, false);
  }

  /** `GET /staff/invitations?mrn=&status=` — an unknown MRN lists nothing. */
  async listForStaff(q: InvitationListQuery): Promise<Page<InvitationView>> {
    if (q.mrn) {
      const patient = await this.patients.findByMrn(q.mrn);
      if (!patient) return { items: [], nextCursor: null };
      return this.list(patient.id, q, true);
    }
    return this.list(null, q, true);
  }

  private async list(
    patientId: string | null,
    q: InvitationListQuery,
    withMrn: boolean,
  ): Promise<Page<InvitationView>> {
    const limit = pageLimit(q.limit);
    const after = decodeCursor(q.cursor, ['instant', 'uuid']);
    const found = await this.repository.list(this.clock.now(), {
      patientId,
      status: q.status ?? null,
      after: after && [after[0], after[1]],
      limit: limit + 1,
    });
    const page = toPage(found, limit, (r) => [r.cursorAt, r.id]);
    const mrns = withMrn
      ? new Map(
          (await this.patients.findCardsByIds([...new Set(page.items.map((r) => r.patientId))])).map((c) => [
            c.id,
            c.mrn,
          ]),
        )
      : new Map<string, string>();
    return {
      items: page.items.map((r) => ({
        id: r.id,
        ...(withMrn ? { mrn: mrns.get(r.patientId) ?? '' } : {}),
        recipientEmail: r.recipientEmail,
        createdAt: new Date(r.createdAt).toISOString(),
        expiresAt: new Date(r.expiresAt).toISOString(),
        status: r.status,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** `DELETE /integration/portal/patients/:mrn/invitations/:id` — 404 unknown or not this patient's; 409 invalid_state when not pending. */
  async cancelForPortal(mrn: string, id: string): Promise<void> {
    const patient = await this.patients.findByMrn(mrn);
    if (!patient) throw notFound('No patient with this MRN.');
    await this.cancel(id, patient.id, { kind: 'portal' });
  }

  /** `DELETE /staff/invitations/:id` */
  async cancelForStaff(user: AuthUser, id: string): Promise<void> {
    await this.cancel(id, null, { kind: 'staff', user });
  }

  private async cancel(id: string, patientId: string | null, by: Canceller): Promise<void> {
    if (!isUuid(id)) throw notFound('No such invitation.');
    const now = this.clock.now();
    await inTransaction(this.dataSource, async (manager) => {
      const cancelled = await this.repository.cancel(id, patientId, now, manager);
      if (!cancelled) {
        const status = await this.repository.statusOf(id, patientId, now, manager);
        if (!status) throw notFound('No such invitation.');
        throw conflict('invalid_state', `This invitation is ${status}, not pending.`);
      }
      await this.audit.record(
        {
          actorId: by.kind === 'staff' ? by.user.id : null,
          actorKind: by.kind === 'staff' ? by.user.kind : 'portal',
          action: 'invitation.cancel',
          patientId: cancelled.patientId,
          outcome: 'success',
          details: { invitationId: id },
        },
        manager,
      );
    });
  }
}
