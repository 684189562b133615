import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import {
  AccountAdministrationRepository,
  type AdministeredAccount,
} from './account-administration.repository.js';
import { AccountDirectoryRepository } from './account-directory.repository.js';
import { AccountLifecycleService } from './account-lifecycle.service.js';
import { effectiveStatus, staffActionRefusal, type StaffAccountAction } from './account-status.policy.js';
import { SessionService } from './auth/session.service.js';
import type { AccountStatusDto, DeactivateUserDto } from './dto/staff-users.dto.js';
import { SponsorTransferHooks } from './sponsor-transfer.port.js';
import { lastAdmin } from './staff-accounts.service.js';
import { administrationRefusal, removesLastAdmin } from './staff-roles.policy.js';
import { inTransaction } from '../../database/sql.js';

const invalidTransfer = () =>
  conflict(
    'invalid_transfer',
    'Sponsored users can only be transferred to an active sponsor of the same practice.',
  );

/** The team's lock, deactivation (with the sponsor's staff dealt with) and reactivation of an account. */
@Injectable()
export class StaffAccountActionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly administration: AccountAdministrationRepository,
    private readonly directory: AccountDirectoryRepository,
    private readonly lifecycle: AccountLifecycleService,
    private readonly sessions: SessionService,
    private readonly transferHooks: SponsorTransferHooks,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async lock(staff: AuthUser, userId: string, reason: string): Promise<AccountStatusDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const admins = await this.administration.lockActiveAdmins(manager);
      const target = await this.loadTarget(manager, staff, userId, 'lock');
      const now = this.clock.now();
      this.assertNotLastAdmin(admins, target, now);
      const previous = effectiveStatus(target, now) === 'invited' ? 'invited' : 'active';
      await this.administration.lockByStaff(target.id, previous, now, manager);
      await this.sessions.revokeAll(manager, target.id, 'staff_lock');
      await this.notifications.record(manager, {
        template: 'account-locked-by-staff',
        to: target.email,
        data: { firstName: target.firstName },
        idempotencyKey: `account-locked-by-staff:${target.id}:${now.getTime()}`,
      });
      await this.record(manager, staff, 'staff.lock', { userId: target.id, reason });
      return { status: 'locked', lockReason: 'staff' };
    });
  }

  async deactivate(staff: AuthUser, userId: string, dto: DeactivateUserDto): Promise<AccountStatusDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const admins = await this.administration.lockActiveAdmins(manager);
      const target = await this.loadTarget(manager, staff, userId, 'deactivate');
      const now = this.clock.now();
      this.assertNotLastAdmin(admins, target, now);
      const sponsored = target.isSponsor ? await this.administration.answeredForBy(target.id, manager) : [];
      let handled: { choice: string; count: number; toSponsorId?: string } | null = null;
      if (sponsored.length > 0) {
        if (!dto.sponsoredUsers) {
          throw conflict(
            'has_sponsored_users',
            'This sponsor still has sponsored users: choose to deactivate or transfer them.',
            {
              sponsoredUsers: sponsored.length,
            },
          );
        }
        handled =
          dto.sponsoredUsers === 'transfer'
            ? await this.transfer(manager, target, dto.transferToSponsorId, now)
            : await this.deactivateSponsored(manager, sponsored);
      }
      await this.lifecycle.deactivate(manager, target.id, { reason: 'staff_deactivate' });
      await this.notifications.record(manager, {
        template: 'account-deactivated',
        to: target.email,
        data: { firstName: target.firstName },
        idempotencyKey: `account-deactivated:${target.id}:${now.getTime()}`,
      });
      await this.record(manager, staff, 'staff.deactivate', {
        userId: target.id,
        reason: dto.reason,
        sponsoredUsers: handled,
      });
      return { status: 'deactivated', lockReason: null };
    });
  }

  async reactivate(staff: AuthUser, userId: string): Promise<AccountStatusDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const target = await this.loadTarget(manager, staff, userId, 'reactivate');
      const now = this.clock.now();
      // A sponsored user answers to a sponsor: without a live one, reactivating would orphan the account.
      if (target.kind === 'sponsored') {
        const sponsor = target.sponsorId
          ? await this.directory.findAccount(target.sponsorId, now, manager)
          : undefined;
        if (!sponsor || !['active', 'locked'].includes(sponsor.status)) {
          throw conflict(
            'invalid_state',
            'This sponsored user’s sponsor is no longer active; their sponsor creates a new account.',
          );
        }
      }
      await this.administration.reactivate(target.id, now, manager);
      await this.notifications.record(manager, {
        template: 'account-reactivated',
        to: target.email,
        data: { firstName: target.firstName },
        idempotencyKey: `account-reactivated:${target.id}:${now.getTime()}`,
      });
      await this.record(manager, staff, 'staff.reactivate', { userId: target.id });
      return { status: 'active', lockReason: null };
    });
  }

  /** The account row-locked, after the rules on who may act (own account, admin on staff) and on its state. */
  private async loadTarget(
    manager: EntityManager,
    staff: AuthUser,
    userId: string,
    action: StaffAccountAction,
  ): Promise<AdministeredAccount> {
    const target = await this.administration.findForUpdate(userId, manager);
    if (!target) throw notFound('No account has this id.');
    const refusal =
      administrationRefusal(staff, target) ?? staffActionRefusal(action, target, this.clock.now());
    if (refusal) throw refusal;
    return target;
  }

  /**
   * `admins`: the active admins, row-locked before the target (always in that order, so two admins
   * acting on each other queue instead of deadlocking, and the second sees the first's result).
   */
  private assertNotLastAdmin(admins: readonly string[], target: AdministeredAccount, now: Date): void {
    if (
      target.kind !== 'staff' ||
      !target.roles.includes('admin') ||
      effectiveStatus(target, now) !== 'active'
    )
      return;
    if (removesLastAdmin(admins, target.id)) throw lastAdmin();
  }

  private async transfer(
    manager: EntityManager,
    from: AdministeredAccount,
    toSponsorId: string | undefined,
    now: Date,
  ) {
    if (!toSponsorId || toSponsorId === from.id) throw invalidTransfer();
    const to = await this.directory.findAccount(toSponsorId, now, manager);
    if (
      !to ||
      to.kind !== 'provider' ||
      !to.isSponsor ||
      to.status !== 'active' ||
      !from.practiceId ||
      to.ownPracticeId !== from.practiceId
    ) {
      throw invalidTransfer();
    }
    const moved = await this.administration.transferSponsoredUsers(from.id, to.id, now, manager);
    // Their old sponsor's overdue validation no longer concerns them.
    await this.lifecycle.unlockValidationOverdue(manager, moved);
    await this.transferHooks.run(manager, { fromSponsorId: from.id, toSponsorId: to.id, userIds: moved });
    return { choice: 'transfer', count: moved.length, toSponsorId: to.id };
  }

  private async deactivateSponsored(manager: EntityManager, userIds: string[]) {
    const accounts = await this.directory.findAccounts(userIds, this.clock.now(), manager);
    for (const account of accounts) {
      await this.lifecycle.deactivate(manager, account.id, { reason: 'sponsor_deactivated' });
      await this.notifications.record(manager, {
        template: 'sponsored-user-deactivated',
        to: account.email,
        data: { firstName: account.firstName, lastName: account.lastName, replaced: false },
        idempotencyKey: `sponsored-user-deactivated:${account.id}:sponsor-deactivated`,
      });
    }
    return { choice: 'deactivate', count: accounts.length };
  }

  private record(
    manager: EntityManager,
    staff: AuthUser,
    action: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(
      { actorId: staff.id, actorKind: 'staff', action, outcome: 'success', details },
      manager,
    );
  }
}
