import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound } from '../../common/errors/problem.js';
import { AuditService } from '../audit/index.js';
import { type PatientIdentity, PatientsRepository } from './patients.repository.js';

export const STAFF_PATIENT_LOOKUP_ROUTE = 'GET /staff/patients';

/**
 * The team's and the privacy officer's look-up of a patient by MRN (the console's Patients page):
 * the way from an MRN to the patientId of the access log, grants and disclosures routes.
 */
@Injectable()
export class StaffPatientsService {
  constructor(
    private readonly patients: PatientsRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * SPEC §7: a staff read that shows a patient is audited (`staff.patient_read` with
   * `details.route`); a look-up that finds nobody is audited too (no patient, `results: 0`), as a
   * clinical search without a match is.
   */
  async findByMrn(staff: AuthUser, mrn: string): Promise<{ items: PatientIdentity[] }> {
    const patient = await this.patients.findIdentityByMrn(mrn);
    await this.audit.recordStaffReads(staff, STAFF_PATIENT_LOOKUP_ROUTE, [
      patient ? { patientId: patient.patientId } : { patientId: null, details: { results: 0 } },
    ]);
    if (!patient) throw notFound('No patient has this MRN.');
    return { items: [patient] };
  }
}
