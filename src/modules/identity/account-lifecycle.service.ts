import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { conflict } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { ActionTokensService } from './action-tokens.service.js';
import { SessionService } from './auth/session.service.js';
import type { SponsoredRole } from './entities/user.entity.js';
import { AccountLifecycleRepository, type LockedAccount } from './account-lifecycle.repository.js';
import { AccountAdministrationRepository } from './account-administration.repository.js';
import { unverifiedCutoff } from './account-status.policy.js';

export interface SponsoredInvite {
  sponsorId: string;
  practiceId: string | null;
  email: string;
  firstName: string;
  lastName: string;
  role: SponsoredRole;
}

/**
 * Changes of account status other modules make (sponsorship, validation). Every method runs in the
 * caller's transaction; the set-based ones stay one statement whatever the number of users.
 */
@Injectable()
export class AccountLifecycleService {
  constructor(
    private readonly users: AccountLifecycleRepository,
    private readonly administration: AccountAdministrationRepository,
    private readonly sessions: SessionService,
    private readonly actionTokens: ActionTokensService,
    private readonly clock: Clock,
  ) {}

  /** Makes a provider a sponsor; false when they already were one. */
  enrollSponsor(manager: EntityManager, userId: string): Promise<boolean> {
    return this.users.enrollSponsor(userId, this.clock.now(), manager);
  }

  /** Creates an invited sponsored account (no password until activation). Throws `email_taken`. */
  async inviteSponsoredUser(manager: EntityManager, invite: SponsoredInvite): Promise<{ id: string }> {
    const now = this.clock.now();
    // An unverified registration older than seven days holds no email (API.md v1.1).
    for (const id of await this.administration.releaseStaleRegistrations(
      invite.email,
      null,
      unverifiedCutoff(now),
      now,
      manager,
    )) {
      await this.actionTokens.voidAll(manager, id);
    }
    const created = await this.users.insertInvitedSponsored(invite, now, manager);
    if (!created) throw conflict('email_taken', 'An account with this email already exists.');
    return created;
  }

  /**
   * Deactivates an account, ends its sessions and voids its unused links (an activation link of an
   * invited account stops working too). False when it was already deactivated.
   */
  async deactivate(manager: EntityManager, userId: string, options: { reason: string }): Promise<boolean> {
    const changed = await this.users.deactivate(userId, this.clock.now(), manager);
    await this.actionTokens.voidAll(manager, userId);
    await this.sessions.revokeAll(manager, userId, options.reason);
    return changed;
  }

  /** Sets accounts active and clears their locks (never a deactivated or rejected one); the ids changed. */
  activate(manager: EntityManager, userIds: string[]): Promise<string[]> {
    return this.users.activate(userIds, this.clock.now(), manager);
  }

  /** Locks the active (or only temporarily locked) ones of `userIds` for an overdue validation; the users locked. */
  lockForOverdueValidation(manager: EntityManager, userIds: string[]): Promise<LockedAccount[]> {
    return this.users.lockForOverdueValidation(userIds, this.clock.now(), manager);
  }

  /** Ends the overdue-validation lock: invited users go back to `invited`, the others to `active`; the users unlocked. */
  unlockValidationOverdue(manager: EntityManager, userIds: string[]): Promise<LockedAccount[]> {
    return this.users.unlockValidationOverdue(userIds, this.clock.now(), manager);
  }
}
