import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { affected, on, rows } from '../../database/sql.js';
import { type AccessBasis, basisSql, MEMBER_STATUSES_SQL, viewerCte } from './access-decision.repository.js';
import { SHOWN_CONFIDENTIALITY_SQL } from './clinical-documents.repository.js';

/** A patient the viewer may see now, as "my patients" lists it. */
export interface MyPatientRow {
  id: string;
  mrn: string;
  firstName: string;
  lastName: string;
  dob: string;
  basis: AccessBasis;
  /** The expiry of the personal grant that is the basis; null for pcp_practice / care_team. */
  grantExpiresAt: Date | null;
  newDocuments: number;
}

export interface MyPatientsFilter {
  /** `q`: the patient matches when its MRN is exactly `mrn` or a folded name starts with `namePrefix` (LIKE pattern, escaped, ending in `%`). */
  mrn: string | null;
  namePrefix: string | null;
  /** The last patient of the previous page. */
  afterId: string | null;
  limit: number;
}

/** "My patients" (the record's openings, table `patient_opens`, and the caller's list). */
@Injectable()
export class MyPatientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The user opened the record now (a successful `GET /patients/:patientId`). */
  async recordOpen(userId: string, patientId: string, now: Date, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      `INSERT INTO patient_opens (user_id, patient_id, opened_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, patient_id) DO UPDATE SET opened_at = EXCLUDED.opened_at`,
      [userId, patientId, now],
    );
  }

  /**
   * Every patient the viewer may see at `now`, by folded last name, first name, id: the candidates
   * (PCP among the practice's physicians, the viewer's NPI on the care team, a grant in force) are
   * checked again with the decision's own `basisSql`, so the list and the decision cannot disagree.
   * `newDocuments` counts shown documents (confidentiality N) received or changed since the
   * viewer last opened the record (all of them if never). One statement.
   */
  list(viewerId: string, now: Date, f: MyPatientsFilter, manager?: EntityManager): Promise<MyPatientRow[]> {
    return rows(
      on(this.dataSource, manager),
      `WITH v AS (${viewerCte('$1', '$2')}),
       phys AS (
         SELECT r.npi FROM practice_roster r JOIN v ON r.practice_id = v.practice_id
         UNION
         SELECT m.npi FROM account_directory m JOIN v ON m.own_practice_id = v.practice_id
          WHERE m.kind = 'provider' AND m.status IN ${MEMBER_STATUSES_SQL} AND m.npi IS NOT NULL),
       cand AS (
         SELECT p.id FROM patients p WHERE p.pcp_npi IN (SELECT npi FROM phys)
         UNION
         SELECT c.patient_id FROM care_team_members c JOIN v ON v.kind = 'provider' AND c.npi = v.npi
         UNION
         SELECT g.patient_id FROM access_grants g JOIN v ON g.user_id = v.id
          WHERE g.revoked_at IS NULL AND g.expires_at > v.at),
       seen AS (
         SELECT p.id, p.mrn, p.first_name AS "firstName", p.last_name AS "lastName", to_char(p.dob, 'YYYY-MM-DD') AS dob,
                p.search_last_name, p.search_first_name, ${basisSql('v', 'p')} AS basis
           FROM cand JOIN patients p ON p.id = cand.id CROSS JOIN v
          WHERE ($3::text IS NULL OR p.mrn = $3 OR p.search_last_name LIKE $4 OR p.search_first_name LIKE $4)
            AND ($5::uuid IS NULL OR (p.search_last_name, p.search_first_name, p.id) >
                 (SELECT c.search_last_name, c.search_first_name, c.id FROM patients c WHERE c.id = $5))),
       page AS (
         SELECT * FROM seen WHERE basis IS NOT NULL
          ORDER BY search_last_name, search_first_name, id
          LIMIT $6)
       -- The per-record counts only for the page's rows.
       SELECT s.id, s.mrn, s."firstName", s."lastName", s.dob, s.basis,
              (SELECT g.expires_at FROM access_grants g
                WHERE g.user_id = $1 AND g.patient_id = s.id AND g.basis = s.basis AND g.revoked_at IS NULL
                ORDER BY g.expires_at DESC LIMIT 1) AS "grantExpiresAt",
              (SELECT count(*)::int FROM clinical_documents d
                 LEFT JOIN patient_opens o ON o.user_id = $1 AND o.patient_id = s.id
                WHERE d.patient_id = s.id AND d.confidentiality = ${SHOWN_CONFIDENTIALITY_SQL}
                  AND (o.opened_at IS NULL OR d.updated_at > o.opened_at)) AS "newDocuments"
         FROM page s
        ORDER BY s.search_last_name, s.search_first_name, s.id`,
      [viewerId, now, f.mrn, f.namePrefix, f.afterId, f.limit],
    );
  }
}
