import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, conflict, forbidden, notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { SessionService } from '../identity/auth/session.service.js';
import type { SponsoredRole } from '../identity/entities/user.entity.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { returning } from './sql.js';

export type ValidationStatus = 'pending' | 'overdue' | 'completed';

export interface ValidationView {
  id: string;
  period: string;
  dueAt: string;
  status: ValidationStatus;
  users: Array<{ id: string; firstName: string; lastName: string; email: string; role: SponsoredRole }>;
}

interface ValidationRow {
  id: string;
  sponsor_id: string;
  period: string;
  due_at: Date;
  enforced_at: Date | null;
  completed_at: Date | null;
}

interface ListedRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  sponsored_role: SponsoredRole;
  status: string;
  lock_reason: string | null;
}

/** The sponsor's side of the semiannual validation: see the open one, complete it. */
@Injectable()
export class ValidationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  /** The caller's open validation (pending or overdue), listing its users still on record. */
  async current(caller: AuthUser): Promise<ValidationView> {
    this.assertSponsor(caller);
    const rows: ValidationRow[] = await this.dataSource.query(
      `SELECT id, sponsor_id, period, due_at, enforced_at, completed_at
         FROM sponsor_validations WHERE sponsor_id = $1 AND completed_at IS NULL`,
      [caller.id],
    );
    if (!rows[0]) throw notFound('You have no open validation.');
    const users = await this.listed(this.dataSource.manager, rows[0].id);
    return {
      id: rows[0].id,
      period: rows[0].period,
      dueAt: rows[0].due_at.toISOString(),
      status: this.statusOf(rows[0]),
      users: users.map((u) => ({ id: u.id, firstName: u.first_name, lastName: u.last_name, email: u.email, role: u.sponsored_role })),
    };
  }

  /**
   * Records a keep/remove decision for every listed user (all of them, else 400
   * `incomplete_decisions`); unlocks the sponsor and every kept user locked for
   * `validation_overdue`, deactivates the removed ones, and emails everyone affected.
   */
  async complete(caller: AuthUser, validationId: string, decisions: Array<{ userId: string; keep: boolean }>): Promise<{ status: 'completed' }> {
    this.assertSponsor(caller);
    const byUser = new Map<string, boolean>();
    decisions.forEach((d, i) => {
      const id = d.userId.toLowerCase();
      if (byUser.has(id) && byUser.get(id) !== d.keep) {
        throw badRequest('validation_failed', 'The decisions contradict each other.', {
          errors: [{ field: `decisions.${i}.userId`, message: 'this user has two different decisions' }],
        });
      }
      byUser.set(id, d.keep);
    });

    await this.dataSource.transaction(async (manager) => {
      const rows: ValidationRow[] = await manager.query(
        `SELECT id, sponsor_id, period, due_at, enforced_at, completed_at
           FROM sponsor_validations WHERE id = $1 AND sponsor_id = $2 FOR UPDATE`,
        [validationId, caller.id],
      );
      const validation = rows[0];
      if (!validation) throw notFound('You have no validation with this id.');
      if (validation.completed_at) throw conflict('validation_completed', 'This validation is already completed.');

      const listed = await this.listed(manager, validation.id, true);
      const listedIds = new Set(listed.map((u) => u.id));
      const unknown = [...byUser.keys()].filter((id) => !listedIds.has(id));
      if (unknown.length) {
        throw badRequest('validation_failed', 'Some decisions name users who are not on this validation.', {
          errors: unknown.map((id) => ({ field: 'decisions', message: `user ${id} is not on this validation` })),
        });
      }
      const missing = listed.filter((u) => !byUser.has(u.id)).map((u) => u.id);
      if (missing.length) {
        throw badRequest('incomplete_decisions', 'Decide to keep or remove every listed user.', { missingUserIds: missing });
      }

      const now = this.clock.now();
      const sponsorName = `${caller.firstName} ${caller.lastName}`;
      const kept = listed.filter((u) => byUser.get(u.id));
      const removed = listed.filter((u) => !byUser.get(u.id));

      await manager.query(
        `UPDATE sponsor_validation_users AS vu SET keep = d.keep
           FROM unnest($2::uuid[], $3::boolean[]) AS d(user_id, keep)
          WHERE vu.validation_id = $1 AND vu.user_id = d.user_id`,
        [validation.id, listed.map((u) => u.id), listed.map((u) => byUser.get(u.id) as boolean)],
      );
      await manager.query(`UPDATE sponsor_validations SET completed_at = $2, completed_by = $3 WHERE id = $1`, [
        validation.id,
        now,
        caller.id,
      ]);

      // Removed: deactivated, sessions ended, told.
      for (const user of removed) {
        await manager.query(
          `UPDATE users SET status = 'deactivated', lock_reason = NULL, locked_until = NULL, updated_at = $2 WHERE id = $1`,
          [user.id, now],
        );
        await this.sessions.revokeAll(manager, user.id, 'deactivated');
        await this.notifications.record(manager, {
          template: 'sponsored-user-deactivated',
          to: user.email,
          data: { firstName: user.first_name, lastName: user.last_name, replaced: false },
          idempotencyKey: `sponsored-user-deactivated:${user.id}`,
        });
      }

      // Unlocked: every sponsored user of this sponsor locked for the overdue validation and not
      // removed — the kept ones and any added after the list was drawn up.
      const removedIds = removed.map((u) => u.id);
      const unlocked = await returning<{ id: string; email: string; first_name: string; last_name: string }>(
        manager,
        `UPDATE users SET status = 'active', lock_reason = NULL, updated_at = $3
          WHERE sponsor_id = $1 AND kind = 'sponsored' AND status = 'locked' AND lock_reason = 'validation_overdue'
            AND NOT (id = ANY($2::uuid[]))
          RETURNING id, email, first_name, last_name`,
        [caller.id, removedIds, now],
      );
      for (const user of unlocked) {
        await this.notifications.record(manager, {
          template: 'sponsored-user-unlocked',
          to: user.email,
          data: { firstName: user.first_name, lastName: user.last_name, sponsorName },
          idempotencyKey: `sponsored-user-unlocked:${validation.id}:${user.id}`,
        });
      }

      const sponsor = await returning(
        manager,
        `UPDATE users SET status = 'active', lock_reason = NULL, updated_at = $2
          WHERE id = $1 AND status = 'locked' AND lock_reason = 'validation_overdue' RETURNING id`,
        [caller.id, now],
      );
      await this.notifications.record(manager, {
        template: sponsor.length ? 'sponsor-unlocked' : 'sponsor-validation-completed',
        to: caller.email,
        data: { firstName: caller.firstName, lastName: caller.lastName, period: validation.period, keptCount: kept.length, removedCount: removed.length },
        idempotencyKey: `sponsor-validation-completed:${validation.id}`,
      });

      await this.audit.record(
        {
          actorId: caller.id,
          actorKind: caller.kind,
          action: 'sponsorship.validation_complete',
          outcome: 'success',
          details: { validationId: validation.id, period: validation.period, kept: kept.length, removed: removed.length, unlocked: unlocked.length },
        },
        manager,
      );
    });
    return { status: 'completed' };
  }

  private statusOf(v: ValidationRow): ValidationStatus {
    if (v.completed_at) return 'completed';
    if (v.enforced_at || this.clock.now().getTime() >= v.due_at.getTime()) return 'overdue';
    return 'pending';
  }

  /** Users on the validation whose accounts still exist as sponsored (deactivated ones drop off). */
  private async listed(manager: EntityManager, validationId: string, forUpdate = false): Promise<ListedRow[]> {
    return manager.query(
      `SELECT u.id, u.email, u.first_name, u.last_name, u.sponsored_role, u.status, u.lock_reason
         FROM sponsor_validation_users vu JOIN users u ON u.id = vu.user_id
        WHERE vu.validation_id = $1 AND u.status <> 'deactivated'
        ORDER BY u.last_name, u.first_name, u.id
        ${forUpdate ? 'FOR UPDATE OF u' : ''}`,
      [validationId],
    );
  }

  private assertSponsor(caller: AuthUser): void {
    if (caller.kind !== 'provider' || !caller.isSponsor) {
      throw forbidden('not_a_sponsor', 'Only sponsors have validations.');
    }
  }
}
