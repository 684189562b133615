import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { isUuid } from '../../common/validation/uuid.js';

export interface PatientRef {
  id: string;
  mrn: string;
  hasPortalAccount: boolean;
  pcpNpi: string | null;
}

const REF_COLUMNS = `id, mrn, has_portal_account AS "hasPortalAccount", pcp_npi AS "pcpNpi"`;

/** Patients as other modules see them: references, the PCP and the care team. */
@Injectable()
export class PatientsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async findByMrn(mrn: string): Promise<PatientRef | null> {
    if (typeof mrn !== 'string' || !mrn || mrn.length > 32) return null;
    const rows: PatientRef[] = await this.dataSource.query(
      `SELECT ${REF_COLUMNS} FROM patients WHERE mrn = $1`,
      [mrn],
    );
    return rows[0] ?? null;
  }

  async findById(id: string): Promise<PatientRef | null> {
    if (typeof id !== 'string' || !isUuid(id)) return null;
    const rows: PatientRef[] = await this.dataSource.query(
      `SELECT ${REF_COLUMNS} FROM patients WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Sets the PCP (e.g. a completed PCP update); access follows on the next request. */
  async setPcp(manager: EntityManager, patientId: string, npi: string): Promise<void> {
    if (!isUuid(patientId)) throw notFound('No such patient.');
    const result: [unknown[], number] = await manager.query(
      `UPDATE patients SET pcp_npi = $2, updated_at = $3 WHERE id = $1`,
      [patientId, npi, this.clock.now()],
    );
    if (!result[1]) throw notFound('No such patient.');
  }

  /** Replaces the care team with exactly these NPIs (duplicates ignored). */
  async replaceCareTeam(manager: EntityManager, patientId: string, npis: string[]): Promise<void> {
    if (!isUuid(patientId)) throw notFound('No such patient.');
    const [patient] = await manager.query(`SELECT id FROM patients WHERE id = $1 FOR UPDATE`, [patientId]);
    if (!patient) throw notFound('No such patient.');
    const unique = [...new Set(npis)];
    await manager.query(
      `DELETE FROM care_team_members WHERE patient_id = $1 AND NOT (npi = ANY($2::char(10)[]))`,
      [patientId, unique],
    );
    if (unique.length) {
      await manager.query(
        `INSERT INTO care_team_members (patient_id, npi) SELECT $1, unnest($2::char(10)[]) ON CONFLICT DO NOTHING`,
        [patientId, unique],
      );
    }
    await manager.query(`UPDATE patients SET updated_at = $2 WHERE id = $1`, [patientId, this.clock.now()]);
  }
}
