import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, conflict, notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { SESSION_IDLE_MS } from './auth/session.service.js';
import type { MySessionDto } from './dto/me-security.dto.js';
import { LockoutService } from './lockout.service.js';
import { assertStrongPassword } from './password-policy.js';
import { PasswordService } from './password.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { UsersRepository } from './users.repository.js';
import { inTransaction } from '../../database/sql.js';

/** The signed-in user's password and sessions (`/me/password`, `/me/sessions*`). */
@Injectable()
export class AccountSecurityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly passwords: PasswordService,
    private readonly lockout: LockoutService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * A wrong current password counts as a failed sign-in (the fifth in a row locks the account), so
   * a stolen session cannot be used to guess the password. Every other session ends.
   */
  async changePassword(
    user: AuthUser,
    currentPassword: string,
    newPassword: string,
    ip: string,
  ): Promise<void> {
    const account = await this.users.findAuthById(user.id);
    if (!account) throw notFound();
    if (account.hospitalId)
      throw conflict('not_applicable', 'Hospital-credentialed accounts have no MyPatients password.');
    if (!(await this.passwords.verify(account.passwordHash, currentPassword))) {
      await this.lockout.recordFailure(user.id, 'wrong_current_password', ip);
      throw badRequest('invalid_password', 'The current password is not correct.');
    }
    assertStrongPassword(newPassword, { email: account.email });
    const hash = await this.passwords.hash(newPassword);
    await inTransaction(this.dataSource, async (manager) => {
      const now = this.clock.now();
      await this.users.setPasswordAfterReset(user.id, hash, now, manager);
      const ended = await this.sessions.revokeAllOfUser(
        user.id,
        now,
        'password_change',
        user.sessionId,
        manager,
      );
      await this.notifications.record(manager, {
        template: 'password-changed',
        to: account.email,
        data: { firstName: account.firstName },
        idempotencyKey: `password-changed:${user.id}:${now.getTime()}`,
      });
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: 'auth.password_change',
          outcome: 'success',
          details: { sessionsEnded: ended },
        },
        manager,
      );
    });
  }

  async listSessions(user: AuthUser): Promise<{ items: MySessionDto[]; nextCursor: null }> {
    const now = this.clock.now();
    const live = await this.sessions.listLive(user.id, now, new Date(now.getTime() - SESSION_IDLE_MS));
    return {
      items: live.map((s) => ({
        id: s.id,
        createdAt: s.createdAt,
        lastActiveAt: s.lastActiveAt,
        method: s.method as MySessionDto['method'],
        current: s.id === user.sessionId,
      })),
      nextCursor: null,
    };
  }

  /** Ends one of the caller's live sessions (the current one too: as logout); 404 otherwise. */
  async endSession(user: AuthUser, sessionId: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      const now = this.clock.now();
      const current = sessionId === user.sessionId;
      const ended = await this.sessions.revokeLiveOfUser(
        sessionId,
        user.id,
        now,
        new Date(now.getTime() - SESSION_IDLE_MS),
        current ? 'logout' : 'user_revoked',
        manager,
      );
      if (!ended) throw notFound('You have no live session with this id.');
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: current ? 'auth.logout' : 'auth.session_end',
          outcome: 'success',
          details: { sessionId },
        },
        manager,
      );
    });
  }

  /** Ends every session of the caller but the current one. */
  async endOtherSessions(user: AuthUser): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      const ended = await this.sessions.revokeAllOfUser(
        user.id,
        this.clock.now(),
        'user_revoked',
        user.sessionId,
        manager,
      );
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: 'auth.session_end',
          outcome: 'success',
          details: { others: true, sessionsEnded: ended },
        },
        manager,
      );
    });
  }
}
