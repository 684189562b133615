import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth/principal.js';
import { forbidden, notFound, ValidationProblem } from '../../common/errors/problem.js';
import { decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { isIsoDate } from '../../common/time/hospital-time.js';
import { isUuid } from '../../common/validation/uuid.js';
import { AuditService } from '../audit/index.js';
import type { AccessBasis } from './access-decision.repository.js';
import { ClinicalDocumentsRepository } from './clinical-documents.repository.js';
import type { DocumentsQuery, SearchPatientsQuery } from './dto/patients-query.dto.js';
import { foldName } from './name-folding.js';
import { type PatientSearch, PatientsRepository, type ViewedPatient } from './patients.repository.js';

export { MAX_SEARCH_RESULTS } from './patients.repository.js';

export type AccessAction = 'request_pcp_access' | 'request_non_pcp_access';

export interface GrantedItem {
  patientId: string;
  access: 'granted';
  mrn: string;
  firstName: string;
  lastName: string;
  dob: string;
  basis: AccessBasis;
}

export interface NotAuthorizedItem {
  patientId: string;
  access: 'not_authorized';
  actions: AccessAction[];
  portalAccount: boolean;
  notice?: string;
}

export const NO_PORTAL_NOTICE =
  'This patient has no patient-portal account, so a non-PCP access request cannot be sent. You can ask the MyPatients team to update the PCP.';

/** What an unauthorized caller may learn: the actions open to them, nothing about the patient. */
export function notAuthorizedInfo(portalAccount: boolean): {
  actions: AccessAction[];
  portalAccount: boolean;
  notice?: string;
} {
  return portalAccount
    ? { actions: ['request_pcp_access', 'request_non_pcp_access'], portalAccount }
    : { actions: ['request_pcp_access'], portalAccount, notice: NO_PORTAL_NOTICE };
}

/** Search, summary and documents for clinical viewers, each decided by AccessDecision's SQL. */
@Injectable()
export class PatientRecordsService {
  constructor(
    private readonly patients: PatientsRepository,
    private readonly documentRows: ClinicalDocumentsRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async search(user: AuthUser, q: SearchPatientsQuery): Promise<{ items: Array<GrantedItem | NotAuthorizedItem> }> {
    const mrn = q.mrn?.trim();
    const names = {
      lastName: q.lastName ? foldName(q.lastName) : '',
      firstName: q.firstName ? foldName(q.firstName) : '',
      dob: q.dob ?? '',
    };
    let search: PatientSearch;
    if (mrn) {
      search = { by: 'mrn', mrn };
    } else if (names.lastName && names.firstName && names.dob) {
      if (!isIsoDate(names.dob)) throw new ValidationProblem([{ field: 'dob', message: 'dob must be a real date YYYY-MM-DD' }]);
      search = { by: 'name', ...names };
    } else {
      const missing = (['lastName', 'firstName', 'dob'] as const).filter((f) => !names[f]);
      throw new ValidationProblem([
        { field: 'mrn', message: 'search by mrn, or by lastName, firstName and dob together' },
        ...missing.map((field) => ({ field, message: `${field} is required when searching by name` })),
      ]);
    }
    const by = search.by;
    // One set-based prepared statement: the matches and the caller's basis for each.
    const rows = await this.patients.searchForViewer(user.id, search, this.clock.now());
    // One statement, so the audit chain's lock is held for a single round trip.
    await this.audit.recordMany(
      rows.length
        ? rows.map((row) => ({
            actorId: user.id,
            actorKind: user.kind,
            action: 'patient.search',
            patientId: row.id,
            basis: row.basis,
            outcome: row.basis ? ('success' as const) : ('denied' as const),
            details: { by, results: rows.length },
          }))
        : [
            {
              actorId: user.id,
              actorKind: user.kind,
              action: 'patient.search',
              outcome: 'success',
              details: { by, results: 0 },
            },
          ],
    );
    return {
      items: rows.map((row) =>
        row.basis
          ? {
              patientId: row.id,
              access: 'granted',
              mrn: row.mrn,
              firstName: row.firstName,
              lastName: row.lastName,
              dob: row.dob,
              basis: row.basis,
            }
          : { patientId: row.id, access: 'not_authorized', ...notAuthorizedInfo(row.hasPortalAccount) },
      ),
    };
  }

  /** The patient and the caller's basis in one round trip; 404 unknown, 403 (audited) without basis. */
  private async authorize(
    user: AuthUser,
    patientId: string,
    action: string,
    details: Record<string, unknown> = {},
  ): Promise<ViewedPatient & { basis: AccessBasis }> {
    if (!isUuid(patientId)) throw notFound('No such patient.');
    const row = await this.patients.findForViewer(user.id, patientId, this.clock.now());
    if (!row) throw notFound('No such patient.');
    await this.audit.record({
      actorId: user.id,
      actorKind: user.kind,
      action,
      patientId,
      basis: row.basis,
      outcome: row.basis ? 'success' : 'denied',
      details,
    });
    if (!row.basis) {
      throw forbidden('not_authorized', 'You are not authorized to view this patient.', notAuthorizedInfo(row.hasPortalAccount));
    }
    return { ...row, basis: row.basis };
  }

  async summary(user: AuthUser, patientId: string) {
    const row = await this.authorize(user, patientId, 'patient.view');
    const people = await this.patients.people(row.id);
    const name = (p: { firstName: string | null; lastName: string | null }) => (p.lastName ? `${p.firstName} ${p.lastName}` : null);
    const pcp = people.find((p) => p.role === 'pcp');
    return {
      patientId: row.id,
      mrn: row.mrn,
      firstName: row.firstName,
      lastName: row.lastName,
      dob: row.dob,
      pcp: pcp ? { npi: pcp.npi, name: name(pcp) } : null,
      careTeam: people.filter((p) => p.role === 'care_team').map((p) => ({ npi: p.npi, name: name(p) })),
      portalAccount: row.hasPortalAccount,
      basis: row.basis,
    };
  }

  async documents(user: AuthUser, patientId: string, q: DocumentsQuery) {
    const limit = pageLimit(q.limit);
    const after = decodeCursor(q.cursor, ['instant', 'uuid']);
    const row = await this.authorize(user, patientId, 'patient.documents', q.category ? { category: q.category } : {});
    const docs = await this.documentRows.list(row.id, {
      category: q.category,
      after: after && [after[0], after[1]],
      limit: limit + 1,
    });
    const page = toPage(docs, limit, (d) => [d.cursorAt, d.id]);
    return {
      items: page.items.map((d) => ({
        id: d.id,
        category: d.category,
        occurredAt: new Date(d.occurredAt).toISOString(),
        title: d.title,
        body: d.body,
      })),
      nextCursor: page.nextCursor,
    };
  }
}
