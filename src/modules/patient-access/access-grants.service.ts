import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { EntityManager } from 'typeorm';
import { decodeCursor, type Page, pageLimit, toPage } from '../../common/pagination/cursor.js';
import type { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { Clock } from '../../common/time/clock.js';
import { isUuid } from '../../common/validation/uuid.js';
import { AuditService } from '../audit/index.js';
import {
  AccessGrantsRepository,
  type GrantHolderRow,
  type GrantListRow,
  type NewGrant,
  type RevokedGrant,
} from './access-grants.repository.js';
import { grantPeriod } from './grant-expiry.js';
import { PatientViewersRepository, type ViewerRow } from './patient-viewers.repository.js';

export type GrantInput = NewGrant;
export type { RevokedGrant } from './access-grants.repository.js';
export type GrantHolder = GrantHolderRow;
export type PatientViewer = ViewerRow;
export type GrantView = Omit<GrantListRow, 'cursorAt'>;

/** Personal grants (SPEC §3 rules 3 and 4): written in the caller's transaction, audited there. */
@Injectable()
export class AccessGrantsService {
  constructor(
    private readonly repository: AccessGrantsRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly viewersRepository: PatientViewersRepository,
  ) {}

  /** Who may see the record now and why (the portal's viewers list). */
  viewers(patientId: string): Promise<PatientViewer[]> {
    return this.viewersRepository.list(patientId, this.clock.now());
  }

  /**
   * Grants access for ACCESS_GRANT_MONTHS (grant-expiry.ts) and returns the grant id. One active
   * grant per user/patient/basis (partial unique index `uq_access_grants_active`): a second call
   * returns the same id and starts a new period from now (audited `access.renew` when the expiry moves).
   */
  async grant(manager: EntityManager, g: GrantInput): Promise<string> {
    const now = this.clock.now();
    const { expiresAt } = grantPeriod(now, this.config.accessGrantMonths);
    const written = await this.repository.upsertActive(g, now, expiresAt, manager);
    const renewed = !written.inserted && written.previousExpiresAt?.getTime() !== written.expiresAt.getTime();
    if (written.inserted || renewed) {
      await this.audit.record(
        {
          actorId: g.userId,
          actorKind: 'system',
          action: written.inserted ? 'access.grant' : 'access.renew',
          patientId: g.patientId,
          basis: g.basis,
          outcome: 'success',
          details: {
            grantId: written.id,
            sourceId: g.sourceId,
            userId: g.userId,
            expiresAt: written.expiresAt.toISOString(),
          },
        },
        manager,
      );
    }
    return written.id;
  }

  /**
   * Ends every open grant expired by `cutoff` (the expiry job): one statement, audited one
   * `access.expire` entry per grant in one statement. Returns the grants with their holders.
   */
  async endExpired(manager: EntityManager, cutoff: Date): Promise<GrantHolder[]> {
    const ended = await this.repository.endExpired(cutoff, manager);
    if (ended.length) {
      await this.audit.recordMany(
        ended.map((e) => ({
          actorId: null,
          actorKind: 'system',
          action: 'access.expire',
          patientId: e.patientId,
          basis: e.basis,
          outcome: 'success' as const,
          details: { grantId: e.id, userId: e.userId, expiresAt: new Date(e.expiresAt).toISOString() },
        })),
        manager,
      );
    }
    return ended;
  }

  /** Open grants expiring in (from, to], with their holders (the expiry job's advance notice). */
  expiringBetween(from: Date, to: Date, manager?: EntityManager): Promise<GrantHolder[]> {
    return this.repository.expiringBetween(from, to, manager);
  }

  /** Revokes an active grant; false when there is no such active grant. */
  async revoke(manager: EntityManager, grantId: string, revokedBy: string): Promise<boolean> {
    return (await this.revokeActive(manager, grantId, revokedBy)) !== null;
  }

  /**
   * Revokes an active grant (of `patientId` when given) and says whose it was; null when there is
   * no such active grant. `revokedBy`: the staff member's id, or null for the patient portal.
   */
  async revokeActive(
    manager: EntityManager,
    grantId: string,
    revokedBy: string | null,
    patientId?: string,
  ): Promise<RevokedGrant | null> {
    if (!isUuid(grantId)) return null;
    const by = revokedBy !== null && isUuid(revokedBy) ? revokedBy : null;
    const revoked = await this.repository.revoke(grantId, by, this.clock.now(), manager, patientId ?? null);
    if (!revoked) return null;
    await this.audit.record(
      {
        actorId: by,
        actorKind: by ? 'system' : 'portal',
        action: 'access.revoke',
        patientId: revoked.patientId,
        basis: revoked.basis,
        outcome: 'success',
        details: { grantId, userId: revoked.userId },
      },
      manager,
    );
    return revoked;
  }

  /** A patient's grants with their holders, newest first (staff's list). */
  async listForPatient(patientId: string, q: PageQueryDto & { active?: string }): Promise<Page<GrantView>> {
    const limit = pageLimit(q.limit);
    const after = decodeCursor(q.cursor, ['instant', 'uuid']);
    const list = await this.repository.listForPatient(patientId, {
      activeOnly: q.active === 'true',
      now: this.clock.now(),
      after: after && [after[0], after[1]],
      limit: limit + 1,
    });
    const page = toPage(list, limit, (r) => [r.cursorAt, r.id]);
    return { items: page.items.map(({ cursorAt: _c, ...r }) => r), nextCursor: page.nextCursor };
  }
}
