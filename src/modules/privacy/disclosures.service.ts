import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound } from '../../common/errors/problem.js';
import { decodeCursor, encodeCursor, type Page, pageLimit } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { hospitalDate } from '../../common/time/hospital-time.js';
import { type AuditPerson, AuditSearchService, AuditService } from '../audit/index.js';
import { PatientsService } from '../patient-access/index.js';
import type { DisclosuresQuery } from './dto/privacy-query.dto.js';
import { hospitalDateRange, yearsBefore } from './report-range.js';

export interface DisclosureView {
  at: string;
  user: AuditPerson;
  action: string;
  basis: string | null;
}

/** HIPAA keeps an accounting of disclosures for six years (45 CFR 164.528). */
export const DISCLOSURE_YEARS = 6;

/**
 * A patient's accounting of disclosures: every successful view, document list, granted search
 * match and `/me/patients` listing of the record by a non-staff user (staff reads are in the trail
 * and the access log, not here). Reading it is a staff read of the patient, audited.
 */
@Injectable()
export class DisclosuresService {
  constructor(
    private readonly patients: PatientsService,
    private readonly trail: AuditSearchService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(officer: AuthUser, patientId: string, q: DisclosuresQuery): Promise<Page<DisclosureView>> {
    const limit = pageLimit(q.limit);
    const after = decodeCursor(q.cursor, ['instant', 'bigint']);
    const today = hospitalDate(this.clock.now());
    const { fromAt, beforeAt } = hospitalDateRange(
      q.from ?? yearsBefore(today, DISCLOSURE_YEARS),
      q.to ?? today,
    );
    if (!(await this.patients.findById(patientId))) throw notFound('No such patient.');
    const page = await this.trail.disclosures(
      patientId,
      { fromAt: fromAt!, beforeAt: beforeAt! },
      limit,
      after && [after[0], after[1]],
    );
    await this.audit.recordStaffReads(officer, 'GET /staff/patients/:patientId/disclosures', [{ patientId }]);
    return {
      items: page.items.flatMap((e) =>
        e.user ? [{ at: new Date(e.at).toISOString(), user: e.user, action: e.action, basis: e.basis }] : [],
      ),
      nextCursor: page.next ? encodeCursor([page.next[0], page.next[1]]) : null,
    };
  }
}
