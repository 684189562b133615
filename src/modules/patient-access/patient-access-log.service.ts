import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound } from '../../common/errors/problem.js';
import { decodeCursor, encodeCursor, type Page, pageLimit } from '../../common/pagination/cursor.js';
import type { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { type AccessLogEntry, AuditSearchService, AuditService } from '../audit/index.js';
import { PatientsService } from './patients.service.js';

/** Staff read who looked at a patient (the audit trail of one record); the reading is audited too. */
@Injectable()
export class PatientAccessLogService {
  constructor(
    private readonly patients: PatientsService,
    private readonly audit: AuditService,
    private readonly trail: AuditSearchService,
  ) {}

  async list(staff: AuthUser, patientId: string, query: PageQueryDto): Promise<Page<AccessLogEntry>> {
    const limit = pageLimit(query.limit);
    const after = decodeCursor(query.cursor, ['instant', 'bigint']);
    if (!(await this.patients.findById(patientId))) throw notFound('No such patient.');
    const page = await this.trail.accessLog(patientId, limit, after && [after[0], after[1]]);
    // SPEC §7: reading the access log is a staff read of the patient, audited like the others.
    await this.audit.recordStaffReads(staff, 'GET /staff/patients/:patientId/access-log', [{ patientId }]);
    return {
      items: page.items,
      nextCursor: page.next ? encodeCursor([page.next[0], page.next[1]]) : null,
    };
  }
}
