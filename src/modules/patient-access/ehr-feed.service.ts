import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { conflict, notFound, ValidationProblem } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { hospitalDate, isIsoDate } from '../../common/time/hospital-time.js';
import { AuditService } from '../audit/audit.service.js';
import type { UpsertDocumentsDto, UpsertPatientDto } from './dto/ehr.dto.js';
import { foldName } from './name-folding.js';
import { PatientsService } from './patients.service.js';

export const MRN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export function checkMrn(mrn: string): void {
  if (!MRN_PATTERN.test(mrn)) {
    throw new ValidationProblem([
      { field: 'mrn', message: 'mrn must be 1 to 32 letters, digits, dots, dashes or underscores' },
    ]);
  }
}

/** The EHR feed: patients (demographics, PCP, care team, portal account) and clinical documents. */
@Injectable()
export class EhrFeedService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly patients: PatientsService,
  ) {}

  async upsertPatient(
    mrn: string,
    body: UpsertPatientDto,
  ): Promise<{ patientId: string; mrn: string; created: boolean }> {
    checkMrn(mrn);
    const today = hospitalDate(this.clock.now());
    if (!isIsoDate(body.dob) || body.dob < '1900-01-01' || body.dob > today) {
      throw new ValidationProblem([
        { field: 'dob', message: 'dob must be a real date between 1900-01-01 and today' },
      ]);
    }
    const firstName = body.firstName.trim();
    const lastName = body.lastName.trim();
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const [row]: Array<{ id: string; created: boolean; old_pcp: string | null }> = await manager.query(
        `WITH old AS (SELECT pcp_npi FROM patients WHERE mrn = $1)
         INSERT INTO patients (mrn, first_name, last_name, search_first_name, search_last_name, dob, pcp_npi,
                               has_portal_account, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
         ON CONFLICT (mrn) DO UPDATE SET
           first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
           search_first_name = EXCLUDED.search_first_name, search_last_name = EXCLUDED.search_last_name,
           dob = EXCLUDED.dob, pcp_npi = EXCLUDED.pcp_npi, has_portal_account = EXCLUDED.has_portal_account,
           updated_at = EXCLUDED.updated_at
         RETURNING id, (xmax = 0) AS created, (SELECT pcp_npi FROM old) AS old_pcp`,
        [
          mrn,
          firstName,
          lastName,
          foldName(firstName),
          foldName(lastName),
          body.dob,
          body.pcpNpi ?? null,
          body.hasPortalAccount,
          now,
        ],
      );
      await this.patients.replaceCareTeam(manager, row.id, body.careTeamNpis);
      await this.audit.record(
        {
          actorId: null,
          actorKind: 'ehr',
          action: row.created ? 'ehr.patient_create' : 'ehr.patient_update',
          patientId: row.id,
          outcome: 'success',
          details: {
            pcpChanged: !row.created && row.old_pcp !== (body.pcpNpi ?? null),
            careTeamSize: new Set(body.careTeamNpis).size,
          },
        },
        manager,
      );
      return { patientId: row.id, mrn, created: row.created };
    });
  }

  async upsertDocuments(mrn: string, body: UpsertDocumentsDto): Promise<{ upserted: number }> {
    checkMrn(mrn);
    const seen = new Set<string>();
    const errors: Array<{ field: string; message: string }> = [];
    body.documents.forEach((d, i) => {
      if (seen.has(d.externalId))
        errors.push({
          field: `documents.${i}.externalId`,
          message: 'externalId appears twice in this batch',
        });
      seen.add(d.externalId);
      if (Number.isNaN(Date.parse(d.occurredAt)))
        errors.push({ field: `documents.${i}.occurredAt`, message: 'occurredAt is not a real instant' });
    });
    if (errors.length) throw new ValidationProblem(errors);
    const patient = await this.patients.findByMrn(mrn);
    if (!patient) throw notFound('No patient with this MRN.');
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const docs = body.documents;
      // An externalId already filed under another patient is not moved silently: 409.
      const foreign: Array<{ external_id: string }> = await manager.query(
        `SELECT external_id FROM clinical_documents WHERE external_id = ANY($1::varchar[]) AND patient_id <> $2`,
        [docs.map((d) => d.externalId), patient.id],
      );
      if (foreign.length) {
        throw conflict(
          'document_belongs_to_other_patient',
          'Some externalIds are filed under another patient.',
          {
            externalIds: foreign.map((r) => r.external_id),
          },
        );
      }
      const rows: Array<{ id: string }> = await manager.query(
        `INSERT INTO clinical_documents (patient_id, external_id, category, occurred_at, title, body, created_at, updated_at)
         SELECT $1, d.external_id, d.category, d.occurred_at, d.title, d.body, $7, $7
           FROM unnest($2::varchar[], $3::varchar[], $4::timestamptz[], $5::varchar[], $6::text[])
                AS d(external_id, category, occurred_at, title, body)
         ON CONFLICT (external_id) DO UPDATE SET
           category = EXCLUDED.category, occurred_at = EXCLUDED.occurred_at, title = EXCLUDED.title,
           body = EXCLUDED.body, updated_at = EXCLUDED.updated_at
         WHERE clinical_documents.patient_id = EXCLUDED.patient_id
         RETURNING id`,
        [
          patient.id,
          docs.map((d) => d.externalId),
          docs.map((d) => d.category),
          docs.map((d) => d.occurredAt),
          docs.map((d) => d.title),
          docs.map((d) => d.body),
          now,
        ],
      );
      if (rows.length !== docs.length) {
        // A concurrent feed filed one of them under another patient between our check and the insert.
        throw conflict(
          'document_belongs_to_other_patient',
          'Some externalIds are filed under another patient.',
        );
      }
      await this.audit.record(
        {
          actorId: null,
          actorKind: 'ehr',
          action: 'ehr.documents_upsert',
          patientId: patient.id,
          outcome: 'success',
          details: { count: rows.length },
        },
        manager,
      );
      return { upserted: rows.length };
    });
  }
}
