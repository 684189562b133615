import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { forbidden, notFound, ValidationProblem } from '../../common/errors/problem.js';
import { cursorAtSql, decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { isIsoDate } from '../../common/time/hospital-time.js';
import { AuditService } from '../audit/audit.service.js';
import { preparedQuery } from '../../database/prepared-query.js';
import { isUuid } from '../../common/validation/uuid.js';
import { type AccessBasis, basisSql, viewerCte } from './access-decision.service.js';
import type { DocumentsQuery, SearchPatientsQuery } from './dto/patients-query.dto.js';
import type { DocumentCategory } from './entities/clinical-document.entity.js';
import { foldName } from './name-folding.js';

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

/** Search results beyond this are not returned (an exact MRN or name + DOB rarely matches more than a few). */
export const MAX_SEARCH_RESULTS = 50;

interface PatientRow {
  id: string;
  mrn: string;
  firstName: string;
  lastName: string;
  dob: string;
  pcpNpi: string | null;
  hasPortalAccount: boolean;
  basis: AccessBasis | null;
}

const PATIENT_COLUMNS = `p.id, p.mrn, p.first_name AS "firstName", p.last_name AS "lastName",
  to_char(p.dob, 'YYYY-MM-DD') AS dob, p.pcp_npi AS "pcpNpi", p.has_portal_account AS "hasPortalAccount"`;

/** Search, summary and documents for clinical viewers, each decided by AccessDecision's SQL. */
@Injectable()
export class PatientRecordsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async search(
    user: AuthUser,
    q: SearchPatientsQuery,
  ): Promise<{ items: Array<GrantedItem | NotAuthorizedItem> }> {
    const mrn = q.mrn?.trim();
    const names = {
      lastName: q.lastName ? foldName(q.lastName) : '',
      firstName: q.firstName ? foldName(q.firstName) : '',
      dob: q.dob ?? '',
    };
    let where: string;
    let params: unknown[];
    let by: 'mrn' | 'name';
    if (mrn) {
      where = 'p.mrn = $2';
      params = [user.id, mrn];
      by = 'mrn';
    } else if (names.lastName && names.firstName && names.dob) {
      if (!isIsoDate(names.dob))
        throw new ValidationProblem([{ field: 'dob', message: 'dob must be a real date YYYY-MM-DD' }]);
      where = 'p.search_last_name = $2 AND p.search_first_name = $3 AND p.dob = $4::date';
      params = [user.id, names.lastName, names.firstName, names.dob];
      by = 'name';
    } else {
      const missing = (['lastName', 'firstName', 'dob'] as const).filter((f) => !names[f]);
      throw new ValidationProblem([
        { field: 'mrn', message: 'search by mrn, or by lastName, firstName and dob together' },
        ...missing.map((field) => ({ field, message: `${field} is required when searching by name` })),
      ]);
    }
    // One set-based query: the matches and the caller's basis for each (prepared: planning it costs
    // more than running it, see src/database/prepared-query.ts).
    const rows = await preparedQuery<PatientRow>(
      this.dataSource,
      `patient-search-${by}`,
      `WITH v AS (${viewerCte('$1')})
       SELECT ${PATIENT_COLUMNS}, ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE ${where}
        ORDER BY p.last_name, p.first_name, p.mrn
        LIMIT ${MAX_SEARCH_RESULTS}`,
      params,
    );
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
  ): Promise<PatientRow> {
    if (!isUuid(patientId)) throw notFound('No such patient.');
    const [row] = await preparedQuery<PatientRow>(
      this.dataSource,
      'patient-authorize',
      `WITH v AS (${viewerCte('$1')})
       SELECT ${PATIENT_COLUMNS}, ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE p.id = $2`,
      [user.id, patientId],
    );
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
    return row;
  }

  async summary(user: AuthUser, patientId: string) {
    const row = await this.authorize(user, patientId, 'patient.view');
    const people: Array<{
      npi: string;
      role: 'pcp' | 'care_team';
      firstName: string | null;
      lastName: string | null;
    }> = await this.dataSource.query(
      `SELECT x.npi, x.role, u.first_name AS "firstName", u.last_name AS "lastName"
           FROM (SELECT pcp_npi AS npi, 'pcp' AS role FROM patients WHERE id = $1 AND pcp_npi IS NOT NULL
                 UNION ALL
                 SELECT npi, 'care_team' FROM care_team_members WHERE patient_id = $1) x
           LEFT JOIN users u ON u.npi = x.npi AND u.kind = 'provider'
          ORDER BY x.role DESC, u.last_name NULLS LAST, x.npi`,
      [row.id],
    );
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
    const params: unknown[] = [row.id];
    let filter = '';
    if (q.category) {
      params.push(q.category);
      filter += ` AND d.category = $${params.length}`;
    }
    if (after) {
      params.push(after[0], after[1]);
      filter += ` AND (d.occurred_at, d.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    const docs: Array<{
      id: string;
      category: DocumentCategory;
      occurredAt: Date;
      title: string;
      body: string;
      cursorAt: string;
    }> = await this.dataSource.query(
      `SELECT d.id, d.category, d.occurred_at AS "occurredAt", d.title, d.body, ${cursorAtSql('d.occurred_at')} AS "cursorAt"
           FROM clinical_documents d
          WHERE d.patient_id = $1${filter}
          ORDER BY d.occurred_at DESC, d.id DESC
          LIMIT ${limit + 1}`,
      params,
    );
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
