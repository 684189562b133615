import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { on, rows } from '../../database/sql.js';
import { effectiveStatusSql } from '../identity/index.js';
import { MEMBER_STATUSES_SQL } from './access-decision.repository.js';

/** One line of "who may see this record and why" (the patient portal's viewers list). */
export interface ViewerRow {
  kind: 'practice' | 'provider' | 'user';
  name: string | null;
  npi: string | null;
  /** The practice's name (providers and users). */
  practice: string | null;
  basis: 'pcp_practice' | 'care_team' | 'approved_request' | 'token';
  since: Date | null;
  expiresAt: Date | null;
  grantId: string | null;
}

/** Who may see a record (reads patients, roster, care team and grants with the account directory; one statement). */
@Injectable()
export class PatientViewersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One `practice` line per practice the PCP is a physician of (a member or on its roster) that has
   * members to see it (members are not listed); one `provider` line per care-team NPI held by an
   * active provider; one `user` line per personal grant in force at `now`.
   */
  list(patientId: string, now: Date, manager?: EntityManager): Promise<ViewerRow[]> {
    return rows(
      on(this.dataSource, manager),
      `WITH p AS (SELECT id, pcp_npi FROM patients WHERE id = $1),
       pr AS (
         SELECT r.practice_id FROM practice_roster r JOIN p ON r.npi = p.pcp_npi
         UNION
         SELECT m.own_practice_id FROM account_directory m JOIN p ON m.npi = p.pcp_npi
          WHERE m.kind = 'provider' AND m.status IN ${MEMBER_STATUSES_SQL} AND m.own_practice_id IS NOT NULL)
       SELECT * FROM (
         SELECT 'practice' AS kind, x.name, NULL::text AS npi, NULL::text AS practice, 'pcp_practice' AS basis,
                NULL::timestamptz AS since, NULL::timestamptz AS "expiresAt", NULL::uuid AS "grantId", 0 AS ord
           FROM pr CROSS JOIN LATERAL (
                  SELECT a.practice_name AS name FROM account_directory a
                   WHERE a.own_practice_id = pr.practice_id AND a.kind = 'provider' AND a.status IN ${MEMBER_STATUSES_SQL}
                   LIMIT 1) x
         UNION ALL
         SELECT 'provider', u.first_name || ' ' || u.last_name, u.npi, u.practice_name, 'care_team', NULL, NULL, NULL, 1
           FROM care_team_members c JOIN account_directory u ON u.npi = c.npi AND u.kind = 'provider'
          WHERE c.patient_id = $1 AND ${effectiveStatusSql('u', '$2')} = 'active'
         UNION ALL
         SELECT 'user', u.first_name || ' ' || u.last_name, u.npi, u.practice_name, g.basis, g.created_at, g.expires_at, g.id, 2
           FROM access_grants g JOIN account_directory u ON u.id = g.user_id
          WHERE g.patient_id = $1 AND g.revoked_at IS NULL AND g.expires_at > $2
       ) v
       ORDER BY v.ord, v.name, v."grantId"`,
      [patientId, now],
    );
  }
}
