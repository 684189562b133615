import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, forbidden, notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { hospitalDate } from '../../common/time/hospital-time.js';
import { lastDayOf } from './validation-period.js';
import { AuditService } from '../audit/index.js';
import { AccountDirectoryService, AccountLifecycleService } from '../identity/index.js';
import { NotificationsService } from '../notifications/index.js';
import type { ValidationStatus, ValidationView } from './dto/validation.dto.js';
import {
  SponsorValidationsRepository,
  type SponsorValidationRecord,
} from './sponsor-validations.repository.js';
import { assertDecidesEveryListedUser, decisionsByUser } from './validation.decisions.js';
import { DEACTIVATED, deactivatedNotice } from './sponsored-user.notices.js';
import { inTransaction } from '../../database/sql.js';

export type { ValidationStatus, ValidationView } from './dto/validation.dto.js';

/** The sponsor's side of the semiannual validation: see the open one, complete it. */
@Injectable()
export class ValidationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly validations: SponsorValidationsRepository,
    private readonly directory: AccountDirectoryService,
    private readonly lifecycle: AccountLifecycleService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  /** The caller's open validation (pending or overdue), listing its users still on record. */
  async current(caller: AuthUser): Promise<ValidationView> {
    this.assertSponsor(caller);
    const validation = await this.validations.findOpenBySponsor(caller.id);
    if (!validation) throw notFound('You have no open validation.');
    const users = await this.validations.listedUsers(validation.id);
    return {
      id: validation.id,
      period: validation.period,
      dueAt: validation.dueAt.toISOString(),
      lastDay: lastDayOf(hospitalDate(validation.dueAt)),
      status: this.statusOf(validation),
      users: users.map((u) => ({
        id: u.id,
        firstName: u.firstName,
        lastName: u.lastName,
        email: u.email,
        role: u.role,
      })),
    };
  }

  /**
   * Records a keep/remove decision for every listed user (all of them, else 400
   * `incomplete_decisions`); unlocks the sponsor and every kept user locked for
   * `validation_overdue`, deactivates the removed ones, and emails everyone affected.
   */
  async complete(
    caller: AuthUser,
    validationId: string,
    decisions: Array<{ userId: string; keep: boolean }>,
  ): Promise<{ status: 'completed' }> {
    this.assertSponsor(caller);
    const byUser = decisionsByUser(decisions);

    await inTransaction(this.dataSource, async (manager) => {
      const validation = await this.validations.findForUpdate(validationId, caller.id, manager);
      if (!validation) throw notFound('You have no validation with this id.');
      if (validation.completedAt)
        throw conflict('validation_completed', 'This validation is already completed.');

      const listed = await this.validations.listedUsers(validation.id, manager);
      assertDecidesEveryListedUser(listed, byUser);

      const now = this.clock.now();
      const sponsorName = `${caller.firstName} ${caller.lastName}`;
      const kept = listed.filter((u) => byUser.get(u.id));
      const removed = listed.filter((u) => !byUser.get(u.id));

      await this.validations.recordDecisions(
        validation.id,
        listed.map((u) => ({ userId: u.id, keep: byUser.get(u.id) as boolean })),
        manager,
      );
      await this.validations.markCompleted(validation.id, caller.id, now, manager);

      // Removed: deactivated (sessions ended, links voided), told.
      for (const user of removed) {
        await this.lifecycle.deactivate(manager, user.id, DEACTIVATED);
        await this.notifications.record(manager, deactivatedNotice(user, false));
      }

      // Unlocked: every sponsored user of this sponsor locked for the overdue validation and not
      // removed — the kept ones and any added after the list was drawn up. Each goes back to the
      // status the lock interrupted: active, or invited for one who had not activated yet (API.md v1.1).
      const removedIds = new Set(removed.map((u) => u.id));
      const overdueLocked = (await this.directory.listSponsoredUsers(caller.id, ['locked'], manager)).filter(
        (u) => u.lockReason === 'validation_overdue' && !removedIds.has(u.id),
      );
      const lifted = new Set(
        (
          await this.lifecycle.unlockValidationOverdue(
            manager,
            overdueLocked.map((u) => u.id),
          )
        ).map((u) => u.id),
      );
      const unlocked = overdueLocked.filter((u) => lifted.has(u.id));
      await this.notifications.recordMany(
        manager,
        'sponsored-user-unlocked',
        unlocked.map((u) => ({
          to: u.email,
          data: { firstName: u.firstName, lastName: u.lastName, sponsorName },
          idempotencyKey: `sponsored-user-unlocked:${validation.id}:${u.id}`,
        })),
      );

      const sponsorUnlocked = (await this.lifecycle.unlockValidationOverdue(manager, [caller.id])).length > 0;
      await this.notifications.record(manager, {
        template: sponsorUnlocked ? 'sponsor-unlocked' : 'sponsor-validation-completed',
        to: caller.email,
        data: {
          firstName: caller.firstName,
          lastName: caller.lastName,
          period: validation.period,
          keptCount: kept.length,
          removedCount: removed.length,
        },
        idempotencyKey: `sponsor-validation-completed:${validation.id}`,
      });

      await this.audit.record(
        {
          actorId: caller.id,
          actorKind: caller.kind,
          action: 'sponsorship.validation_complete',
          outcome: 'success',
          details: {
            validationId: validation.id,
            period: validation.period,
            kept: kept.length,
            removed: removed.length,
            unlocked: unlocked.length,
          },
        },
        manager,
      );
    });
    return { status: 'completed' };
  }

  private statusOf(v: SponsorValidationRecord): ValidationStatus {
    if (v.completedAt) return 'completed';
    if (v.enforcedAt || this.clock.now().getTime() >= v.dueAt.getTime()) return 'overdue';
    return 'pending';
  }

  private assertSponsor(caller: AuthUser): void {
    if (caller.kind !== 'provider' || !caller.isSponsor) {
      throw forbidden('not_a_sponsor', 'Only sponsors have validations.');
    }
  }
}
