import { isUuid } from '../../common/validation/uuid.js';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type AccessBasis = 'pcp_practice' | 'care_team' | 'approved_request' | 'token';
export const ACCESS_BASES: readonly AccessBasis[] = [
  'pcp_practice',
  'care_team',
  'approved_request',
  'token',
];

export interface AccessDecision {
  allowed: boolean;
  basis: AccessBasis | null;
}

/**
 * Provider accounts whose practice membership counts: staff verified it (approved) and it has not
 * ended. A temporarily locked provider is still a member of their practice; a pending, rejected or
 * deactivated one is not (see docs/patient-access.md).
 */
export const MEMBER_STATUSES_SQL = `('active', 'locked')`;

/**
 * The viewer, as a one-row CTE body: the user when their account is `active` and they are a
 * clinical viewer (provider or sponsored user; staff are not), with the practice whose physicians
 * they follow (a sponsored user: the sponsor's practice, when the sponsor is a member of it).
 * `$<userParam>` is the user id.
 */
export function viewerCte(userParam: string): string {
  return `SELECT vu.id, vu.kind, vu.npi,
            CASE WHEN vu.kind = 'provider' THEN vu.practice_id
                 WHEN vu.kind = 'sponsored' THEN vs.practice_id END AS practice_id
       FROM users vu
       LEFT JOIN users vs ON vu.kind = 'sponsored' AND vs.id = vu.sponsor_id
                         AND vs.kind = 'provider' AND vs.status IN ${MEMBER_STATUSES_SQL}
      WHERE vu.id = ${userParam} AND vu.status = 'active' AND vu.kind IN ('provider', 'sponsored')`;
}

/**
 * SQL expression giving the basis (or NULL) on which viewer `v` (a row of `viewerCte`, or NULLs
 * when the viewer may not view anything) may view patient `p`, in priority order
 * pcp_practice > care_team > approved_request > token (SPEC §3).
 */
export function basisSql(v: string, p: string): string {
  return `CASE
    WHEN ${v}.id IS NULL THEN NULL
    WHEN ${p}.pcp_npi IS NOT NULL AND ${v}.practice_id IS NOT NULL AND (
           EXISTS (SELECT 1 FROM practice_roster r WHERE r.practice_id = ${v}.practice_id AND r.npi = ${p}.pcp_npi)
        OR EXISTS (SELECT 1 FROM users m WHERE m.npi = ${p}.pcp_npi AND m.kind = 'provider'
                     AND m.practice_id = ${v}.practice_id AND m.status IN ${MEMBER_STATUSES_SQL}))
      THEN 'pcp_practice'
    WHEN ${v}.kind = 'provider' AND ${v}.npi IS NOT NULL
         AND EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = ${p}.id AND c.npi = ${v}.npi)
      THEN 'care_team'
    WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.user_id = ${v}.id AND g.patient_id = ${p}.id
                   AND g.basis = 'approved_request' AND g.revoked_at IS NULL)
      THEN 'approved_request'
    WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.user_id = ${v}.id AND g.patient_id = ${p}.id
                   AND g.basis = 'token' AND g.revoked_at IS NULL)
      THEN 'token'
  END`;
}

const toDecision = (basis: AccessBasis | null): AccessDecision => ({ allowed: basis !== null, basis });

/**
 * "May user U see patient P, and on what basis" (SPEC §3). Always asks the database (one round
 * trip), never a cache: access follows the data.
 */
@Injectable()
export class AccessDecisionService {
  constructor(private readonly dataSource: DataSource) {}

  async decide(userId: string, patientId: string, manager?: EntityManager): Promise<AccessDecision> {
    if (!isUuid(userId) || !isUuid(patientId)) return toDecision(null);
    const rows: Array<{ basis: AccessBasis | null }> = await (manager ?? this.dataSource.manager).query(
      `WITH v AS (${viewerCte('$1')})
       SELECT ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE p.id = $2`,
      [userId, patientId],
    );
    return toDecision(rows[0]?.basis ?? null);
  }

  /** The set-based variant: one query for many patients (search results, lists). */
  async decideMany(
    userId: string,
    patientIds: string[],
    manager?: EntityManager,
  ): Promise<Map<string, AccessDecision>> {
    const ids = patientIds.filter(isUuid);
    const out = new Map<string, AccessDecision>();
    for (const id of patientIds) out.set(id, toDecision(null));
    if (!ids.length || !isUuid(userId)) return out;
    const rows: Array<{ id: string; basis: AccessBasis | null }> = await (
      manager ?? this.dataSource.manager
    ).query(
      `WITH v AS (${viewerCte('$1')})
       SELECT p.id, ${basisSql('v', 'p')} AS basis
         FROM patients p LEFT JOIN v ON true
        WHERE p.id = ANY($2::uuid[])`,
      [userId, ids],
    );
    for (const row of rows) out.set(row.id, toDecision(row.basis));
    return out;
  }
}
