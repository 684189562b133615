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
import { MyPatientsRepository } from './my-patients.repository.js';
import { foldName } from './name-folding.js';
import { type PatientSearch, PatientsRepository, type ViewedPatient } from './patients.repository.js';
import { type PendingRequest, PendingRequestsRegistry } from './pending-requests.registry.js';
import { SearchMonitor } from './search-monitor.port.js';

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
  /** Every open request of the caller's for this patient (API.md v1.1). */
  pendingRequests: PendingRequest[];
}

export const NO_PORTAL_NOTICE =
  'This patient has no patient-portal account, so a non-PCP access request cannot be sent. You can ask the MyPatients team to update the PCP.';

const ACTION_OF_KIND = { pcp: 'request_pcp_access', non_pcp: 'request_non_pcp_access' } as const;

/**
 * What an unauthorized caller may learn: the actions open to them, nothing about the patient. An
 * action whose kind of request the caller already has pending is left out (it would answer 409).
 */
export function notAuthorizedInfo(
  portalAccount: boolean,
  pending: PendingRequest[] = [],
): {
  actions: AccessAction[];
  portalAccount: boolean;
  notice?: string;
} {
  const info: { actions: AccessAction[]; portalAccount: boolean; notice?: string } = portalAccount
    ? { actions: ['request_pcp_access', 'request_non_pcp_access'], portalAccount }
    : { actions: ['request_pcp_access'], portalAccount, notice: NO_PORTAL_NOTICE };
  const taken = new Set(pending.map((p) => ACTION_OF_KIND[p.kind]));
  info.actions = info.actions.filter((a) => !taken.has(a));
  return info;
}

/** Search, summary and documents for clinical viewers, each decided by AccessDecision's SQL. */
@Injectable()
export class PatientRecordsService {
  constructor(
    private readonly patients: PatientsRepository,
    private readonly documentRows: ClinicalDocumentsRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly pendingRequests: PendingRequestsRegistry,
    private readonly opens: MyPatientsRepository,
    private readonly monitor: SearchMonitor,
  ) {}

  async search(
    user: AuthUser,
    q: SearchPatientsQuery,
  ): Promise<{ items: Array<GrantedItem | NotAuthorizedItem> }> {
    // Per-account throttle first (429), so a sweep is slowed before it reads anything.
    await this.monitor.admit(user);
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
      if (!isIsoDate(names.dob))
        throw new ValidationProblem([{ field: 'dob', message: 'dob must be a real date YYYY-MM-DD' }]);
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
    const denied = rows.filter((r) => !r.basis).map((r) => r.id);
    // Only for matches the caller may not view, and only when there are any (most searches: none);
    // read while the audit entries are written (neither needs the other).
    const pendingLookup = denied.length
      ? this.pendingRequests.find(user.id, denied)
      : Promise.resolve(new Map<string, PendingRequest[]>());
    // One statement for all the matches.
    const audited = this.audit.recordMany(
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
    const [pending] = await Promise.all([pendingLookup, audited]);
    // The unusual-search rule reads the entries just written (privacy module, through the port).
    await this.monitor.searched({ user, matches: rows.length, denied: denied.length });
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
          : {
              patientId: row.id,
              access: 'not_authorized',
              ...notAuthorizedInfo(row.hasPortalAccount, pending.get(row.id)),
              pendingRequests: pending.get(row.id) ?? [],
            },
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
      throw forbidden(
        'not_authorized',
        'You are not authorized to view this patient.',
        notAuthorizedInfo(row.hasPortalAccount),
      );
    }
    return { ...row, basis: row.basis };
  }

  async summary(user: AuthUser, patientId: string) {
    const row = await this.authorize(user, patientId, 'patient.view');
    // In parallel with the people: the opening that `newDocuments` counts from.
    const [people] = await Promise.all([
      this.patients.people(row.id),
      this.opens.recordOpen(user.id, row.id, this.clock.now()),
    ]);
    const name = (p: { firstName: string | null; lastName: string | null }) =>
      p.lastName ? `${p.firstName} ${p.lastName}` : null;
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
    const row = await this.authorize(
      user,
      patientId,
      'patient.documents',
      q.category ? { category: q.category } : {},
    );
    const [docs, withheld] = await Promise.all([
      this.documentRows.list(row.id, {
        category: q.category,
        after: after && [after[0], after[1]],
        limit: limit + 1,
      }),
      this.documentRows.withheldCount(row.id),
    ]);
    const page = toPage(docs, limit, (d) => [d.cursorAt, d.id]);
    return {
      items: page.items.map((d) => ({
        id: d.id,
        category: d.category,
        occurredAt: new Date(d.occurredAt).toISOString(),
        title: d.title,
        body: d.body,
        confidentiality: d.confidentiality,
      })),
      nextCursor: page.nextCursor,
      withheld,
    };
  }
}
