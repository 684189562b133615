import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/time/clock.js';
import { isUuid } from '../../common/validation/uuid.js';
import { type AccessBasis, AccessDecisionRepository } from './access-decision.repository.js';

// The decision's SQL lives in the repository; re-exported for the property test that applies it set-based.
export {
  ACCESS_BASES,
  type AccessBasis,
  basisSql,
  MEMBER_STATUSES_SQL,
  viewerCte,
} from './access-decision.repository.js';

export interface AccessDecision {
  allowed: boolean;
  basis: AccessBasis | null;
}

const toDecision = (basis: AccessBasis | null): AccessDecision => ({ allowed: basis !== null, basis });

/**
 * "May user U see patient P, and on what basis" (SPEC §3). Always asks the database (one round
 * trip), never a cache: access follows the data.
 */
@Injectable()
export class AccessDecisionService {
  constructor(
    private readonly repository: AccessDecisionRepository,
    private readonly clock: Clock,
  ) {}

  async decide(userId: string, patientId: string, manager?: EntityManager): Promise<AccessDecision> {
    if (!isUuid(userId) || !isUuid(patientId)) return toDecision(null);
    return toDecision(await this.repository.basisFor(userId, patientId, this.clock.now(), manager));
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
    for (const row of await this.repository.basesFor(userId, ids, this.clock.now(), manager)) {
      out.set(row.patientId, toDecision(row.basis));
    }
    return out;
  }
}
