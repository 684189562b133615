import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { hospitalDate } from '../../common/time/hospital-time.js';
import { AuditService } from '../audit/index.js';
import { AccountDirectoryService } from '../identity/index.js';
import { NotificationsService } from '../notifications/index.js';
import { AccessGrantsService, PatientsService } from '../patient-access/index.js';
import { inTransaction } from '../../database/sql.js';

export interface PortalViewer {
  kind: 'practice' | 'provider' | 'user';
  name: string | null;
  npi?: string | null;
  practice?: string | null;
  basis: string;
  since?: string;
  expiresAt?: string;
  grantId?: string;
}

const NO_MAIL_STATUSES = new Set(['deactivated', 'rejected']);

/** The guardian's view of who may see the record, and revoking a personal grant (API.md v1.1, SPEC §7). */
@Injectable()
export class PortalGrantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patients: PatientsService,
    private readonly grants: AccessGrantsService,
    private readonly accounts: AccountDirectoryService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** `GET /integration/portal/patients/:mrn/viewers` — no emails in it. */
  async viewers(mrn: string): Promise<{ items: PortalViewer[] }> {
    const patient = await this.patients.findByMrn(mrn);
    if (!patient) throw notFound('No patient with this MRN.');
    const list = await this.grants.viewers(patient.id);
    return {
      items: list.map((v) => ({
        kind: v.kind,
        name: v.name,
        ...(v.kind === 'practice' ? {} : { npi: v.npi, practice: v.practice }),
        basis: v.basis,
        ...(v.kind === 'user'
          ? {
              since: new Date(v.since!).toISOString(),
              expiresAt: new Date(v.expiresAt!).toISOString(),
              grantId: v.grantId!,
            }
          : {}),
      })),
    };
  }

  /** `DELETE /integration/portal/patients/:mrn/access-grants/:grantId` — 404 not that MRN's or not active; the holder is emailed. */
  async revoke(mrn: string, grantId: string): Promise<void> {
    const patient = await this.patients.findByMrn(mrn);
    if (!patient) throw notFound('No patient with this MRN.');
    const now = this.clock.now();
    await inTransaction(this.dataSource, async (manager) => {
      const grant = await this.grants.revokeActive(manager, grantId, null, patient.id);
      if (!grant) throw notFound('No active personal grant with this id for this patient.');
      await this.audit.record(
        {
          actorId: null,
          actorKind: 'portal',
          action: 'portal.revoke_grant',
          patientId: patient.id,
          basis: grant.basis,
          outcome: 'success',
          details: { grantId, userId: grant.userId },
        },
        manager,
      );
      const holder = await this.accounts.findById(grant.userId, manager);
      if (holder && !NO_MAIL_STATUSES.has(holder.status)) {
        await this.notifications.record(manager, {
          template: 'access-grant-revoked',
          to: holder.email,
          data: { firstName: holder.firstName, lastName: holder.lastName, revokedOn: hospitalDate(now) },
          idempotencyKey: `access-grant-revoked:${grantId}`,
        });
      }
    });
  }
}
