import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { isUuid } from '../../common/validation/uuid.js';

export interface GrantInput {
  userId: string;
  patientId: string;
  basis: 'approved_request' | 'token';
  /** The access request or invitation the grant came from. */
  sourceId: string | null;
}

/** Personal grants (SPEC §3 rules 3 and 4): written in the caller's transaction, audited there. */
@Injectable()
export class AccessGrantsService {
  constructor(
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /**
   * Grants access and returns the grant id. Idempotent per user/patient/basis while a grant is
   * active (partial unique index `uq_access_grants_active`): a second call returns the same id.
   */
  async grant(manager: EntityManager, g: GrantInput): Promise<string> {
    const inserted: Array<{ id: string }> = await manager.query(
      `INSERT INTO access_grants (user_id, patient_id, basis, source_id, created_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, patient_id, basis) WHERE revoked_at IS NULL DO NOTHING
       RETURNING id`,
      [g.userId, g.patientId, g.basis, g.sourceId, this.clock.now()],
    );
    if (inserted.length) {
      await this.audit.record(
        {
          actorId: g.userId,
          actorKind: 'system',
          action: 'access.grant',
          patientId: g.patientId,
          basis: g.basis,
          outcome: 'success',
          details: { grantId: inserted[0].id, sourceId: g.sourceId, userId: g.userId },
        },
        manager,
      );
      return inserted[0].id;
    }
    const [existing]: Array<{ id: string }> = await manager.query(
      `SELECT id FROM access_grants WHERE user_id = $1 AND patient_id = $2 AND basis = $3 AND revoked_at IS NULL`,
      [g.userId, g.patientId, g.basis],
    );
    return existing.id;
  }

  /** Revokes an active grant; false when there is no such active grant. */
  async revoke(manager: EntityManager, grantId: string, revokedBy: string): Promise<boolean> {
    if (!isUuid(grantId)) return false;
    // UPDATE … RETURNING through TypeORM's postgres driver answers [rows, rowCount].
    const [list]: [Array<{ patient_id: string; basis: string; user_id: string }>, number] =
      await manager.query(
        `UPDATE access_grants SET revoked_at = $2, revoked_by = $3
        WHERE id = $1 AND revoked_at IS NULL
        RETURNING patient_id, basis, user_id`,
        [grantId, this.clock.now(), revokedBy],
      );
    if (!list.length) return false;
    await this.audit.record(
      {
        actorId: isUuid(revokedBy) ? revokedBy : null,
        actorKind: 'system',
        action: 'access.revoke',
        patientId: list[0].patient_id,
        basis: list[0].basis,
        outcome: 'success',
        details: { grantId, userId: list[0].user_id },
      },
      manager,
    );
    return true;
  }
}
