import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { badRequest } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { ActionTokensService } from './action-tokens.service.js';
import { UsersRepository, type AuthAccount } from './users.repository.js';
import { inTransaction } from '../../database/sql.js';

export const MAX_FAILED_LOGINS = 5;
export const FAILED_LOGIN_LOCK_MS = 15 * 60 * 1000;

/**
 * Failed sign-ins, in every account state: counting them, the temporary lock after the fifth in a
 * row (during which no password is checked), the owner's email with an unlock link, and the lock's end.
 */
@Injectable()
export class LockoutService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly users: UsersRepository,
    private readonly actionTokens: ActionTokensService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * Reserves a password check (counted as a failure until `releaseAttempt`); null when the account
   * is under a sign-in lock or five attempts have failed or are in flight (then no check at all).
   */
  async reserveAttempt(userId: string): Promise<number | null> {
    return (await this.users.reserveSignInAttempt(userId, MAX_FAILED_LOGINS, this.clock.now())) ?? null;
  }

  /** The reserved attempt's password was right: it does not count. */
  async releaseAttempt(userId: string): Promise<void> {
    await this.users.releaseSignInAttempt(userId);
  }

  /**
   * Counts a failed sign-in (wrong password or code); the fifth in a row locks the account, whatever
   * its state, for 15 minutes. `reservedAttempt`: the number `reserveAttempt` gave, already counted.
   */
  async recordFailure(userId: string, reason: string, ip: string, reservedAttempt?: number): Promise<void> {
    const now = this.clock.now();
    await inTransaction(this.dataSource, async (manager) => {
      const user = await this.users.findAuthByIdForUpdate(userId, manager);
      if (!user) return;
      const count = reservedAttempt ?? user.failedLoginCount + 1;
      if (count < MAX_FAILED_LOGINS && reservedAttempt === undefined)
        await this.users.setFailedLoginCount(userId, count, manager);
      await this.audit.record(
        {
          actorId: userId,
          actorKind: user.kind,
          action: 'auth.login',
          outcome: 'failure',
          details: { reason, ip, failedCount: count },
        },
        manager,
      );
      if (count >= MAX_FAILED_LOGINS)
        await this.lock(manager, user, Math.max(count, user.failedLoginCount), now);
    });
  }

  /**
   * A sign-in refused unchecked (locked, or five attempts failed or in flight): audited; and when the
   * count is spent with no lock running (e.g. counted before every state was locked), the lock starts.
   */
  async refuseLocked(userId: string, ip: string): Promise<void> {
    const now = this.clock.now();
    await inTransaction(this.dataSource, async (manager) => {
      const user = await this.users.findAuthByIdForUpdate(userId, manager);
      if (!user) return;
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: 'auth.login',
          outcome: 'denied',
          details: { reason: 'locked', ip },
        },
        manager,
      );
      const running = user.lockedUntil !== null && user.lockedUntil.getTime() > now.getTime();
      if (!running && user.failedLoginCount >= MAX_FAILED_LOGINS)
        await this.lock(manager, user, user.failedLoginCount, now);
    });
  }

  /** Starts the lock (once: a lock already running is left as it is), audits it and emails the owner an unlock link. */
  private async lock(manager: EntityManager, user: AuthAccount, count: number, now: Date): Promise<void> {
    const lockedUntil = new Date(now.getTime() + FAILED_LOGIN_LOCK_MS);
    if (!(await this.users.lockForFailedLogins(user.id, count, lockedUntil, now, manager))) return;
    await this.audit.record(
      {
        actorId: user.id,
        actorKind: user.kind,
        action: 'auth.lock',
        outcome: 'success',
        details: { lockReason: 'failed_logins', status: user.status, lockedUntil: lockedUntil.toISOString() },
      },
      manager,
    );
    const token = await this.actionTokens.issue(manager, user.id, 'unlock');
    await this.notifications.record(manager, {
      template: 'account-locked-failed-logins',
      to: user.email,
      data: { firstName: user.firstName, lockMinutes: FAILED_LOGIN_LOCK_MS / 60000, token },
      idempotencyKey: `account-locked:${user.id}:${now.getTime()}`,
    });
  }

  /** The owner's link from the lock email: lifts the sign-in lock at once (single use; 400 `invalid_token` otherwise). */
  async unlockWithToken(token: string, ip: string): Promise<void> {
    const now = this.clock.now();
    await inTransaction(this.dataSource, async (manager) => {
      const spent = await this.actionTokens.consume(manager, token, 'unlock');
      if (!spent) throw badRequest('invalid_token', 'This unlock link is not valid or has expired.');
      const lifted = await this.users.liftFailedLoginLock(spent.userId, now, manager, null);
      const user = await this.users.findAuthById(spent.userId, manager);
      await this.audit.record(
        {
          actorId: spent.userId,
          actorKind: user?.kind ?? 'anonymous',
          action: 'auth.unlock',
          outcome: 'success',
          details: { by: 'owner_link', wasLocked: Boolean(lifted), ip },
        },
        manager,
      );
    });
  }

  /** Clears a sign-in lock whose time is up (the policy already counts it as lifted) and records it. */
  async clearExpiredLock(userId: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      const lifted = await this.users.liftFailedLoginLock(userId, this.clock.now(), manager);
      if (lifted) {
        await this.audit.record(
          {
            actorId: userId,
            actorKind: lifted.kind,
            action: 'auth.unlock',
            outcome: 'success',
            details: { by: 'expiry' },
          },
          manager,
        );
      }
    });
  }
}
