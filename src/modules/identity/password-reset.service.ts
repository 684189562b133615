import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sha256Hex } from '../../common/crypto/tokens.js';
import { badRequest, ProblemException } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { ActionTokensService } from './action-tokens.service.js';
import { AUTH_LIMITS, AuthThrottle } from './auth-throttle.service.js';
import { SessionService } from './auth/session.service.js';
import { PasswordService } from './password.service.js';
import { assertStrongPassword } from './password-policy.js';
import { UsersRepository, type AuthAccount } from './users.repository.js';
import { inTransaction } from '../../database/sql.js';

const invalidToken = () =>
  badRequest('invalid_token', 'This link is not valid: it has expired or was already used.');

/** Statuses whose owner may reset a forgotten password (a locked account included: a reset ends a failed-sign-in lock). */
const resettable = (user: AuthAccount) =>
  !user.hospitalId && (user.status === 'active' || user.status === 'locked');

/** The password's life cycle by emailed link: forgot → reset, and the first password of an invited account. */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly tokens: ActionTokensService,
    private readonly sessions: SessionService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly throttle: AuthThrottle,
  ) {}

  /** Always succeeds from the caller's point of view: no account enumeration. */
  async forgot(emailRaw: string, ip: string): Promise<{ status: 'accepted' }> {
    await this.throttle.ip(ip);
    const email = emailRaw.trim().toLowerCase();
    let allowed = true;
    try {
      await this.throttle.account(AUTH_LIMITS.forgotAccount, email);
    } catch (error) {
      if (!(error instanceof ProblemException)) throw error;
      allowed = false; // silently: a 429 here would say nothing, but neither should the email
    }
    await inTransaction(this.dataSource, async (manager) => {
      const user = await this.users.findAuthByEmail(email, manager);
      if (!user || !user.passwordHash || !resettable(user) || !allowed) {
        await this.audit.record(
          {
            actorId: user?.id ?? null,
            actorKind: user?.kind ?? 'anonymous',
            action: 'auth.password_reset_requested',
            outcome: 'denied',
            details: { ip, reason: !allowed ? 'throttled' : 'ineligible' },
          },
          manager,
        );
        return;
      }
      const token = await this.tokens.issue(manager, user.id, 'reset_password');
      await this.notifications.record(manager, {
        template: 'password-reset',
        to: user.email,
        data: { firstName: user.firstName, token, expiresInMinutes: 60 },
        idempotencyKey: `password-reset:${sha256Hex(token)}`,
      });
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: 'auth.password_reset_requested',
          outcome: 'success',
          details: { ip },
        },
        manager,
      );
    });
    return { status: 'accepted' };
  }

  async resetPassword(token: string, password: string, ip: string): Promise<void> {
    await this.throttle.ip(ip);
    await inTransaction(this.dataSource, async (manager) => {
      const spent = await this.tokens.consume(manager, token, 'reset_password');
      if (!spent) throw invalidToken();
      const user = await this.users.findAuthById(spent.userId, manager);
      if (!user || !resettable(user)) throw invalidToken();
      assertStrongPassword(password, { email: user.email });
      // The owner proved control of the mailbox: a failed-sign-in lock ends too. TOTP is untouched.
      await this.users.setPasswordAfterReset(
        user.id,
        await this.passwords.hash(password),
        this.clock.now(),
        manager,
      );
      await this.sessions.revokeAll(manager, user.id, 'password_reset');
      await this.notifications.record(manager, {
        template: 'password-changed',
        to: user.email,
        data: { firstName: user.firstName },
        idempotencyKey: `password-changed:${spent.id}`,
      });
      await this.audit.record(
        { actorId: user.id, actorKind: user.kind, action: 'auth.password_reset', outcome: 'success' },
        manager,
      );
    });
  }

  /** Sets the password of an invited account (sponsored users, created by their sponsor). */
  async activate(token: string, password: string, ip: string): Promise<{ status: 'active' }> {
    await this.throttle.ip(ip);
    return inTransaction(this.dataSource, async (manager) => {
      const spent = await this.tokens.consume(manager, token, 'activate');
      if (!spent) throw invalidToken();
      const user = await this.users.findAuthById(spent.userId, manager);
      if (!user || user.status !== 'invited') throw invalidToken();
      assertStrongPassword(password, { email: user.email });
      await this.users.activateInvited(
        user.id,
        await this.passwords.hash(password),
        this.clock.now(),
        manager,
      );
      await this.audit.record(
        { actorId: user.id, actorKind: user.kind, action: 'auth.activate', outcome: 'success' },
        manager,
      );
      return { status: 'active' as const };
    });
  }
}
