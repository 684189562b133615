import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { UsersRepository } from './users.repository.js';

export const MAX_FAILED_LOGINS = 5;
export const FAILED_LOGIN_LOCK_MS = 15 * 60 * 1000;

/** Failed sign-ins: counting them, the temporary lock after the fifth, and its end. */
@Injectable()
export class LockoutService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * Reserves a password check (counted as a failure until `releaseAttempt`); null when the account
   * is locked for failed sign-ins or five attempts have failed or are in flight (then no check at all).
   */
  async reserveAttempt(userId: string): Promise<number | null> {
    return (await this.users.reserveSignInAttempt(userId, MAX_FAILED_LOGINS, this.clock.now())) ?? null;
  }

  /** The reserved attempt's password was right: it does not count. */
  async releaseAttempt(userId: string): Promise<void> {
    await this.users.releaseSignInAttempt(userId);
  }

  /**
   * Counts a failed sign-in (wrong password or code); the fifth in a row locks an active account for
   * 15 minutes. `reservedAttempt`: the number `reserveAttempt` gave, already counted.
   */
  async recordFailure(userId: string, reason: string, ip: string, reservedAttempt?: number): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const user = await this.users.findAuthByIdForUpdate(userId, manager);
      if (!user) return;
      const count = reservedAttempt ?? user.failedLoginCount + 1;
      const lock = count >= MAX_FAILED_LOGINS && user.status === 'active';
      const lockedUntil = new Date(now.getTime() + FAILED_LOGIN_LOCK_MS);
      if (lock) await this.users.lockForFailedLogins(userId, Math.max(count, user.failedLoginCount), lockedUntil, now, manager);
      else if (reservedAttempt === undefined) await this.users.setFailedLoginCount(userId, count, manager);
      await this.audit.record({ actorId: userId, actorKind: user.kind, action: 'auth.login', outcome: 'failure', details: { reason, ip, failedCount: count } }, manager);
      if (lock) {
        await this.audit.record(
          { actorId: userId, actorKind: user.kind, action: 'auth.lock', outcome: 'success', details: { lockReason: 'failed_logins', lockedUntil: lockedUntil.toISOString() } },
          manager,
        );
        await this.notifications.record(manager, {
          template: 'account-locked-failed-logins',
          to: user.email,
          data: { firstName: user.firstName, lockMinutes: FAILED_LOGIN_LOCK_MS / 60000 },
          idempotencyKey: `account-locked:${userId}:${now.getTime()}`,
        });
      }
    });
  }

  /** Clears a failed-sign-in lock whose time is up (the policy already counts it as lifted) and records it. */
  async clearExpiredLock(userId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const lifted = await this.users.liftFailedLoginLock(userId, this.clock.now(), manager);
      if (lifted) {
        await this.audit.record({ actorId: userId, actorKind: lifted.kind, action: 'auth.unlock', outcome: 'success', details: { by: 'expiry' } }, manager);
      }
    });
  }
}
