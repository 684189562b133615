import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { conflict, notFound, ValidationProblem } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { hospitalDate, isIsoDate } from '../../common/time/hospital-time.js';
import { AuditService } from '../audit/index.js';
import { ClinicalDocumentsRepository } from './clinical-documents.repository.js';
import type { UpsertDocumentsDto, UpsertPatientDto } from './dto/ehr.dto.js';
import { EhrPcpChangesService } from './ehr-pcp-changes.service.js';
import { foldName } from './name-folding.js';
import { PatientsRepository } from './patients.repository.js';
import { PatientsService } from './patients.service.js';
import { inTransaction } from '../../database/sql.js';

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
    private readonly patientRows: PatientsRepository,
    private readonly documents: ClinicalDocumentsRepository,
    private readonly pcpChanges: EhrPcpChangesService,
  ) {}

  /**
   * `applied: false`: the update is older (`sourceUpdatedAt`) than the last applied one and changed
   * nothing. `pcpHeld: true`: a team PCP change awaits the EHR's acknowledgement, so every field but
   * `pcpNpi` was applied (SPEC §7).
   */
  async upsertPatient(
    mrn: string,
    body: UpsertPatientDto,
  ): Promise<{ patientId: string; mrn: string; created: boolean; applied?: false; pcpHeld?: true }> {
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
    const sourceUpdatedAt = body.sourceUpdatedAt ? new Date(body.sourceUpdatedAt) : null;
    return inTransaction(this.dataSource, async (manager) => {
      // The row lock orders this update against a completing PCP update and other feed updates.
      const existing = await this.patientRows.lockForFeed(mrn, manager);
      if (
        existing &&
        sourceUpdatedAt &&
        existing.sourceUpdatedAt &&
        sourceUpdatedAt < existing.sourceUpdatedAt
      ) {
        return { patientId: existing.id, mrn, created: false, applied: false as const };
      }
      const pcpHeld = existing ? await this.pcpChanges.isPcpHeld(existing.id, manager) : false;
      const row = await this.patientRows.upsert(
        {
          mrn,
          firstName,
          lastName,
          searchFirstName: foldName(firstName),
          searchLastName: foldName(lastName),
          dob: body.dob,
          pcpNpi: body.pcpNpi ?? null,
          hasPortalAccount: body.hasPortalAccount,
          keepPcp: pcpHeld,
          sourceUpdatedAt,
        },
        now,
        manager,
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
            pcpChanged: !row.created && !pcpHeld && row.previousPcpNpi !== (body.pcpNpi ?? null),
            ...(pcpHeld ? { pcpHeld: true } : {}),
            careTeamSize: new Set(body.careTeamNpis).size,
          },
        },
        manager,
      );
      return { patientId: row.id, mrn, created: row.created, ...(pcpHeld ? { pcpHeld: true as const } : {}) };
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
    return inTransaction(this.dataSource, async (manager) => {
      const docs = body.documents;
      // An externalId already filed under another patient is not moved silently: 409.
      const foreign = await this.documents.externalIdsOfOthers(
        docs.map((d) => d.externalId),
        patient.id,
        manager,
      );
      if (foreign.length) {
        throw conflict(
          'document_belongs_to_other_patient',
          'Some externalIds are filed under another patient.',
          {
            externalIds: foreign,
          },
        );
      }
      const upserted = await this.documents.upsertMany(patient.id, docs, now, manager);
      if (upserted !== docs.length) {
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
          details: { count: upserted },
        },
        manager,
      );
      return { upserted };
    });
  }
}
