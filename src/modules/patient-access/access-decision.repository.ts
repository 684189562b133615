import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { on, rows } from '../../database/sql.js';
import { effectiveStatusSql } from '../identity/index.js';

export type AccessBasis = 'pcp_practice' | 'care_team' | 'approved_request' | 'token';
export const ACCESS_BASES: readonly AccessBasis[] = [
  'pcp_practice',
  'care_team',
  'approved_request',
  'token',
];

/**
 * Provider accounts whose practice membership counts: staff verified it (approved) and it has not
 * ended. A temporarily locked provider is still a member of their practice; a pending, rejected or
 * deactivated one is not (see docs/patient-access.md). The same set as `account_directory`'s
 * effective-practice rule for a sponsor.
 */
export const MEMBER_STATUSES_SQL = `('active', 'locked')`;

/**
 * The viewer, as a one-row CTE body: the user when their account is effectively `active` (an
 * expired failed-sign-in lock counts as active, as in the guard) and they are a clinical viewer
 * (provider or sponsored user; staff are not), with the practice whose physicians they follow
 * (`account_directory`'s effective practice: a sponsored user's is the sponsor's while the sponsor
 * is a member). `userParam` is the user id, `nowParam` the clock's instant (e.g. `$3`), carried as
 * `at` so `basisSql` judges grant expiry at the same instant; the default `now()` is for ad-hoc SQL
 * only (tests), domain code passes the injected clock.
 */
export function viewerCte(userParam: string, nowParam = 'now()'): string {
  return `SELECT vu.id, vu.kind, vu.npi, vu.practice_id, ${nowParam}::timestamptz AS at
       FROM account_directory vu
      WHERE vu.id = ${userParam} AND ${effectiveStatusSql('vu', nowParam)} = 'active' AND vu.kind IN ('provider', 'sponsored')`;
}

/**
 * SQL expression giving the basis (or NULL) on which viewer `v` (a row of `viewerCte`, or NULLs
 * when the viewer may not view anything) may view patient `p`, in priority order
 * pcp_practice > care_team > approved_request > token (SPEC §3); a personal grant counts while it is
 * neither revoked nor expired (`expires_at` after the viewer's `at`). The membership check reads the
 * plain `own_practice_id` with `kind = 'provider'`, so the users (npi) index applies.
 */
export function basisSql(v: string, p: string): string {
  return `CASE
    WHEN ${v}.id IS NULL THEN NULL
    WHEN ${p}.pcp_npi IS NOT NULL AND ${v}.practice_id IS NOT NULL AND (
           EXISTS (SELECT 1 FROM practice_roster r WHERE r.practice_id = ${v}.practice_id AND r.npi = ${p}.pcp_npi)
        OR EXISTS (SELECT 1 FROM account_directory m WHERE m.npi = ${p}.pcp_npi AND m.kind = 'provider'
                     AND m.own_practice_id = ${v}.practice_id AND m.status IN ${MEMBER_STATUSES_SQL}))
      THEN 'pcp_practice'
    WHEN ${v}.kind = 'provider' AND ${v}.npi IS NOT NULL
         AND EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = ${p}.id AND c.npi = ${v}.npi)
      THEN 'care_team'
    WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.user_id = ${v}.id AND g.patient_id = ${p}.id
                   AND g.basis = 'approved_request' AND g.revoked_at IS NULL AND g.expires_at > ${v}.at)
      THEN 'approved_request'
    WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.user_id = ${v}.id AND g.patient_id = ${p}.id
                   AND g.basis = 'token' AND g.revoked_at IS NULL AND g.expires_at > ${v}.at)
      THEN 'token'
  END`;
}

/** The access decision's own statements (one round trip each; ids are checked by the caller). */
@Injectable()
export class AccessDecisionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async basisFor(
    userId: string,
    patientId: string,
    now: Date,
    manager?: EntityManager,
  ): Promise<AccessBasis | null> {
    const [row] = await rows<{ basis: AccessBasis | null }>(
      on(this.dataSource, manager),
      `WITH v AS (${viewerCte('$1', '$3')})
       SELECT ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE p.id = $2`,
      [userId, patientId, now],
    );
    return row?.basis ?? null;
  }

  /** The set-based variant: one statement for many patients. */
  async basesFor(
    userId: string,
    patientIds: string[],
    now: Date,
    manager?: EntityManager,
  ): Promise<Array<{ patientId: string; basis: AccessBasis | null }>> {
    return rows(
      on(this.dataSource, manager),
      `WITH v AS (${viewerCte('$1', '$3')})
       SELECT p.id AS "patientId", ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE p.id = ANY($2::uuid[])`,
      [userId, patientIds, now],
    );
  }
}
