import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { notFound } from '../../common/errors/problem.js';
import { AuditService } from '../audit/audit.service.js';
import { PatientsService } from '../patient-access/patients.service.js';

/** The patient portal's care-team management (PUT /integration/portal/patients/:mrn/care-team). */
@Injectable()
export class PortalCareTeamService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patients: PatientsService,
    private readonly audit: AuditService,
  ) {}

  async replace(mrn: string, npis: string[]): Promise<{ patientId: string; npis: string[] }> {
    const patient = await this.patients.findByMrn(mrn);
    if (!patient) throw notFound('No patient with this MRN.');
    const unique = [...new Set(npis)].sort();
    await this.dataSource.transaction(async (manager) => {
      const before: Array<{ npi: string }> = await manager.query(`SELECT npi FROM care_team_members WHERE patient_id = $1 ORDER BY npi`, [patient.id]);
      await this.patients.replaceCareTeam(manager, patient.id, unique);
      const old = new Set(before.map((r) => r.npi));
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
    return { patientId: patient.id, npis: unique };
  }
}
