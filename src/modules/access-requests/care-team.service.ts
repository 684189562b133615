import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { notFound } from '../../common/errors/problem.js';
import { AuditService } from '../audit/index.js';
import { PatientsService } from '../patient-access/index.js';
import { inTransaction } from '../../database/sql.js';

/** The patient portal's care-team management (PUT /integration/portal/patients/:mrn/care-team). */
@Injectable()
export class PortalCareTeamService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patients: PatientsService,
    private readonly audit: AuditService,
  ) {}

  /** Replaces the care team; answers the MRN and the care team now. */
  async replace(mrn: string, npis: string[]): Promise<{ mrn: string; npis: string[] }> {
    const patient = await this.patients.findByMrn(mrn);
    if (!patient) throw notFound('No patient with this MRN.');
    const unique = [...new Set(npis)].sort();
    await inTransaction(this.dataSource, async (manager) => {
      const old = new Set(await this.patients.careTeamNpis(manager, patient.id));
      await this.patients.replaceCareTeam(manager, patient.id, unique);
      await this.audit.record(
        {
          actorId: null,
          actorKind: 'portal',
          action: 'care_team.replace',
          patientId: patient.id,
          outcome: 'success',
          details: {
            npis: unique,
            added: unique.filter((n) => !old.has(n)),
            removed: [...old].filter((n) => !unique.includes(n)),
          },
        },
        manager,
      );
    });
    return { mrn, npis: unique };
  }
}
