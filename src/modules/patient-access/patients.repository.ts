import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { preparedQuery } from '../../database/prepared-query.js';
import { affected, on, one, rows } from '../../database/sql.js';
import { type AccessBasis, basisSql, viewerCte } from './access-decision.repository.js';

/** A patient as other modules see it. */
export interface PatientRef {
  id: string;
  mrn: string;
  hasPortalAccount: boolean;
  pcpNpi: string | null;
}

/** A patient with names and PCP, as the PCP-update queue shows it. */
export interface PatientCard {
  id: string;
  mrn: string;
  firstName: string;
  lastName: string;
  pcpNpi: string | null;
}

/** Who a patient is, as staff look-ups show it (no PCP, care team or basis). */
export interface PatientIdentity {
  patientId: string;
  mrn: string;
  firstName: string;
  lastName: string;
  /** YYYY-MM-DD */
  dob: string;
}

/** A patient with the viewer's basis (null: not authorized), as search and the record routes read it. */
export interface ViewedPatient extends PatientRef {
  firstName: string;
  lastName: string;
  /** YYYY-MM-DD */
  dob: string;
  basis: AccessBasis | null;
}

export type PatientSearch =
  | { by: 'mrn'; mrn: string }
  /** Names already folded (`foldName`). */
  | { by: 'name'; lastName: string; firstName: string; dob: string };

/** What the EHR feed writes (names as given and folded for search). */
export interface PatientUpsert {
  mrn: string;
  firstName: string;
  lastName: string;
  searchFirstName: string;
  searchLastName: string;
  dob: string;
  pcpNpi: string | null;
  hasPortalAccount: boolean;
  /** Leave the stored PCP as it is (a team PCP change the EHR has not acknowledged yet). */
  keepPcp?: boolean;
  /** The EHR's time of this version (kept as the latest applied). */
  sourceUpdatedAt?: Date | null;
}

/** A person named on the patient's record: the PCP or a care-team member, with the provider's name when known. */
export interface RecordPerson {
  npi: string;
  role: 'pcp' | 'care_team';
  firstName: string | null;
  lastName: string | null;
}

/** Search results beyond this are not returned (an exact MRN or name + DOB rarely matches more than a few). */
export const MAX_SEARCH_RESULTS = 50;

const REF_COLUMNS = `p.id, p.mrn, p.has_portal_account AS "hasPortalAccount", p.pcp_npi AS "pcpNpi"`;
const VIEWED_COLUMNS = `${REF_COLUMNS}, p.first_name AS "firstName", p.last_name AS "lastName", to_char(p.dob, 'YYYY-MM-DD') AS dob`;

/** Patients and their care team (tables `patients`, `care_team_members`). */
@Injectable()
export class PatientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The matches and the viewer's basis for each, in one prepared statement (planning it costs more
   * than running it, see src/database/prepared-query.ts). Outside a transaction.
   */
  async searchForViewer(viewerId: string, search: PatientSearch, now: Date): Promise<ViewedPatient[]> {
    const [where, params] =
      search.by === 'mrn'
        ? ['p.mrn = $2', [viewerId, search.mrn, now]]
        : [
            'p.search_last_name = $2 AND p.search_first_name = $3 AND p.dob = $4::date',
            [viewerId, search.lastName, search.firstName, search.dob, now],
          ];
    return preparedQuery<ViewedPatient>(
      this.dataSource,
      `patient-search-${search.by}`,
      `WITH v AS (${viewerCte('$1', `$${params.length}`)})
       SELECT ${VIEWED_COLUMNS}, ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE ${where}
        ORDER BY p.last_name, p.first_name, p.mrn
        LIMIT ${MAX_SEARCH_RESULTS}`,
      params,
    );
  }

  /** One patient and the viewer's basis, one prepared statement; undefined when there is no such patient. */
  async findForViewer(viewerId: string, patientId: string, now: Date): Promise<ViewedPatient | undefined> {
    const [row] = await preparedQuery<ViewedPatient>(
      this.dataSource,
      'patient-authorize',
      `WITH v AS (${viewerCte('$1', '$3')})
       SELECT ${VIEWED_COLUMNS}, ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE p.id = $2`,
      [viewerId, patientId, now],
    );
    return row;
  }

  findRefByMrn(mrn: string, manager?: EntityManager): Promise<PatientRef | undefined> {
    return one(on(this.dataSource, manager), `SELECT ${REF_COLUMNS} FROM patients p WHERE p.mrn = $1`, [mrn]);
  }

  /** Who the patient with this MRN is (staff look-up): id, MRN, names, date of birth. */
  findIdentityByMrn(mrn: string, manager?: EntityManager): Promise<PatientIdentity | undefined> {
    return one<PatientIdentity>(
      on(this.dataSource, manager),
      `SELECT p.id AS "patientId", p.mrn, p.first_name AS "firstName", p.last_name AS "lastName",
              to_char(p.dob, 'YYYY-MM-DD') AS dob
         FROM patients p WHERE p.mrn = $1`,
      [mrn],
    );
  }

  findRefById(id: string, manager?: EntityManager): Promise<PatientRef | undefined> {
    return one(on(this.dataSource, manager), `SELECT ${REF_COLUMNS} FROM patients p WHERE p.id = $1`, [id]);
  }

  /** Patients by id with names and PCP (unknown ids left out, any order): one set-based read. */
  findCardsByIds(ids: string[], manager?: EntityManager): Promise<PatientCard[]> {
    return rows<PatientCard>(
      on(this.dataSource, manager),
      `SELECT p.id, p.mrn, p.first_name AS "firstName", p.last_name AS "lastName", p.pcp_npi AS "pcpNpi"
         FROM patients p WHERE p.id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** Inserts or updates by MRN; says whether it was created and what the PCP was before. */
  async upsert(
    p: PatientUpsert,
    now: Date,
    manager?: EntityManager,
  ): Promise<{ id: string; created: boolean; previousPcpNpi: string | null }> {
    const [row] = await rows<{ id: string; created: boolean; old_pcp: string | null }>(
      on(this.dataSource, manager),
      `WITH old AS (SELECT pcp_npi FROM patients WHERE mrn = $1)
       INSERT INTO patients (mrn, first_name, last_name, search_first_name, search_last_name, dob, pcp_npi,
                             has_portal_account, created_at, updated_at, source_updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $11)
       ON CONFLICT (mrn) DO UPDATE SET
         first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
         search_first_name = EXCLUDED.search_first_name, search_last_name = EXCLUDED.search_last_name,
         dob = EXCLUDED.dob, pcp_npi = CASE WHEN $10::boolean THEN patients.pcp_npi ELSE EXCLUDED.pcp_npi END,
         has_portal_account = EXCLUDED.has_portal_account,
         updated_at = EXCLUDED.updated_at, source_updated_at = GREATEST(patients.source_updated_at, EXCLUDED.source_updated_at)
       RETURNING id, (xmax = 0) AS created, (SELECT pcp_npi FROM old) AS old_pcp`,
      [
        p.mrn,
        p.firstName,
        p.lastName,
        p.searchFirstName,
        p.searchLastName,
        p.dob,
        p.pcpNpi,
        p.hasPortalAccount,
        now,
        p.keepPcp === true,
        p.sourceUpdatedAt ?? null,
      ],
    );
    return { id: row.id, created: row.created, previousPcpNpi: row.old_pcp };
  }

  /**
   * Row-locks the patient with this MRN for a feed update (undefined: new MRN) and says when the
   * EHR last changed it, as far as an applied update told.
   */
  async lockForFeed(
    mrn: string,
    manager: EntityManager,
  ): Promise<{ id: string; sourceUpdatedAt: Date | null } | undefined> {
    const row = await one<{ id: string; source_updated_at: Date | null }>(
      manager,
      `SELECT id, source_updated_at FROM patients WHERE mrn = $1 FOR UPDATE`,
      [mrn],
    );
    return row && { id: row.id, sourceUpdatedAt: row.source_updated_at };
  }

  /** Sets the PCP; false when there is no such patient. */
  async setPcp(patientId: string, npi: string, now: Date, manager?: EntityManager): Promise<boolean> {
    const n = await affected(
      on(this.dataSource, manager),
      `UPDATE patients SET pcp_npi = $2, updated_at = $3 WHERE id = $1`,
      [patientId, npi, now],
    );
    return n > 0;
  }

  /** Locks the patient's row for the transaction; false when there is no such patient. */
  async lock(patientId: string, manager: EntityManager): Promise<boolean> {
    return (
      (await one(manager, `SELECT id FROM patients WHERE id = $1 FOR UPDATE`, [patientId])) !== undefined
    );
  }

  async touch(patientId: string, now: Date, manager?: EntityManager): Promise<void> {
    await affected(on(this.dataSource, manager), `UPDATE patients SET updated_at = $2 WHERE id = $1`, [
      patientId,
      now,
    ]);
  }

  /** The care team's NPIs, in order. */
  async careTeamNpis(patientId: string, manager?: EntityManager): Promise<string[]> {
    const list = await rows<{ npi: string }>(
      on(this.dataSource, manager),
      `SELECT npi FROM care_team_members WHERE patient_id = $1 ORDER BY npi`,
      [patientId],
    );
    return list.map((r) => r.npi);
  }

  /** Makes the care team exactly `npis` (distinct): two set-based statements. */
  async replaceCareTeam(patientId: string, npis: string[], manager: EntityManager): Promise<void> {
    await affected(
      manager,
      `DELETE FROM care_team_members WHERE patient_id = $1 AND NOT (npi = ANY($2::char(10)[]))`,
      [patientId, npis],
    );
    if (npis.length) {
      await rows(
        manager,
        `INSERT INTO care_team_members (patient_id, npi) SELECT $1, unnest($2::char(10)[]) ON CONFLICT DO NOTHING`,
        [patientId, npis],
      );
    }
  }

  /**
   * The PCP first, then the care team by provider name, with names from the account directory.
   * Prepared outside a transaction (the summary route's second statement; the view costs planning time).
   */
  async people(patientId: string, manager?: EntityManager): Promise<RecordPerson[]> {
    const sql = `SELECT x.npi, x.role, u.first_name AS "firstName", u.last_name AS "lastName"
         FROM (SELECT pcp_npi AS npi, 'pcp' AS role FROM patients WHERE id = $1 AND pcp_npi IS NOT NULL
               UNION ALL
               SELECT npi, 'care_team' FROM care_team_members WHERE patient_id = $1) x
         LEFT JOIN account_directory u ON u.npi = x.npi AND u.kind = 'provider'
        ORDER BY x.role DESC, u.last_name NULLS LAST, x.npi`;
    if (manager) return rows(manager, sql, [patientId]);
    return preparedQuery<RecordPerson>(this.dataSource, 'patient-record-people', sql, [patientId]);
  }
}
