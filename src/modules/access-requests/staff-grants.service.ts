import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound } from '../../common/errors/problem.js';
import type { Page } from '../../common/pagination/cursor.js';
import type { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { AuditService } from '../audit/index.js';
import { AccessGrantsService, type GrantView, PatientsService } from '../patient-access/index.js';
import { inTransaction } from '../../database/sql.js';

export type { GrantView } from '../patient-access/index.js';

/** Staff's view of personal grants: list a patient's, revoke one. */
@Injectable()
export class StaffGrantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: AccessGrantsService,
    private readonly patients: PatientsService,
    private readonly audit: AuditService,
  ) {}

  async list(
    staff: AuthUser,
    patientId: string,
    q: PageQueryDto & { active?: string },
  ): Promise<Page<GrantView>> {
    const patient = await this.patients.findById(patientId);
    if (!patient) throw notFound('No such patient.');
    const page = await this.grants.listForPatient(patient.id, q);
    // SPEC §7: staff reads that show a patient are audited.
    await this.audit.recordStaffReads(staff, 'GET /staff/patients/:patientId/access-grants', [
      { patientId: patient.id },
    ]);
    return page;
  }

  /** DELETE /staff/access-grants/:id — 404 when there is no active grant with this id. */
  async revoke(staff: AuthUser, grantId: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      const grant = await this.grants.revokeActive(manager, grantId, staff.id);
      if (!grant) throw notFound('No active grant with this id.');
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: staff.kind,
          action: 'staff.revoke_grant',
          patientId: grant.patientId,
          basis: grant.basis,
          outcome: 'success',
          details: { grantId, userId: grant.userId },
        },
        manager,
      );
    });
  }
}
