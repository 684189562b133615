import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { sha256Hex } from '../../common/crypto/tokens.js';
import { badRequest, conflict, forbidden, notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { AccountManagementRepository } from './account-management.repository.js';
import { ActionTokensService } from './action-tokens.service.js';
import { AUTH_LIMITS, AuthThrottle } from './auth-throttle.service.js';
import { SessionService } from './auth/session.service.js';
import type { EmailChangedDto, UserViewDto } from './dto/me.dto.js';
import { PasswordService } from './password.service.js';
import { conflictFromUniqueViolation } from './registration.service.js';
import { UserViewService } from './user-view.js';
import { UsersRepository } from './users.repository.js';
import { inTransaction } from '../../database/sql.js';

/** Why this account may not change its own email, or null when it may. */
export function emailChangeRefusal(user: Pick<AuthUser, 'kind' | 'npi' | 'hospitalId'>): string | null {
  if (user.kind === 'provider' && user.npi && !user.hospitalId) return null;
  if (user.kind === 'sponsored') {
    return 'Your sponsor changes the email of your account: ask them to create a new account with the new address.';
  }
  if (user.hospitalId) return 'Hospital-credentialed accounts change their email through the hospital.';
  return 'Only providers with an NPI change their own email; contact the MyPatients team.';
}

/** The signed-in user's own account: `GET /me` and the email change (link to the new address). */
@Injectable()
export class AccountProfileService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountManagementRepository,
    private readonly users: UsersRepository,
    private readonly views: UserViewService,
    private readonly clock: Clock,
    private readonly passwords: PasswordService,
    private readonly tokens: ActionTokensService,
    private readonly sessions: SessionService,
    private readonly throttle: AuthThrottle,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async me(user: AuthUser): Promise<UserViewDto> {
    const view = await this.views.load(user.id);
    if (!view) throw notFound();
    return view;
  }

  async requestEmailChange(user: AuthUser, newEmailRaw: string, password: string): Promise<void> {
    const refusal = emailChangeRefusal(user);
    if (refusal) throw forbidden('email_change_not_allowed', refusal);
    await this.throttle.account(AUTH_LIMITS.emailChange, user.id);
    const newEmail = newEmailRaw.trim().toLowerCase();
    const account = await this.accounts.findEmailChangeFacts(user.id);
    if (!(await this.passwords.verify(account?.passwordHash ?? null, password))) {
      await this.audit.record({
        actorId: user.id,
        actorKind: user.kind,
        action: 'auth.email_change_requested',
        outcome: 'failure',
        details: { reason: 'wrong_password' },
      });
      throw badRequest('invalid_password', 'The password is not correct.');
    }
    if (newEmail === account!.email)
      throw badRequest('same_email', 'This is already the email address of your account.');
    await inTransaction(this.dataSource, async (manager) => {
      if (await this.users.existsByEmail(newEmail, manager))
        throw conflict('email_taken', 'An account already exists for this email address.');
      const token = await this.tokens.issue(manager, user.id, 'confirm_email', { newEmail });
      await this.notifications.record(manager, {
        template: 'email-change-confirm',
        to: newEmail,
        data: { firstName: account!.firstName, token },
        idempotencyKey: `email-change-confirm:${sha256Hex(token)}`,
      });
      await this.audit.record(
        { actorId: user.id, actorKind: user.kind, action: 'auth.email_change_requested', outcome: 'success' },
        manager,
      );
    });
  }

  async confirmEmailChange(user: AuthUser, token: string): Promise<EmailChangedDto> {
    try {
      return await inTransaction(this.dataSource, async (manager) => {
        const spent = await this.tokens.consume(manager, token, 'confirm_email');
        const newEmail = spent?.payload?.newEmail;
        // Rolled back (token unspent) when it is another account's link.
        if (!spent || spent.userId !== user.id || typeof newEmail !== 'string') {
          throw badRequest(
            'invalid_token',
            'This link is not valid: it has expired, was already used, or belongs to another account.',
          );
        }
        const changed = await this.accounts.changeEmail(user.id, newEmail, this.clock.now(), manager);
        if (!changed) throw badRequest('invalid_token');
        await this.sessions.revokeAll(manager, user.id, 'email_change', user.sessionId);
        await this.notifications.record(manager, {
          template: 'email-changed-notice',
          to: changed.oldEmail,
          data: { firstName: changed.firstName, newEmail },
          idempotencyKey: `email-changed-notice:${spent.id}`,
        });
        await this.audit.record(
          { actorId: user.id, actorKind: user.kind, action: 'auth.email_change', outcome: 'success' },
          manager,
        );
        return { email: newEmail };
      });
    } catch (error) {
      throw conflictFromUniqueViolation(error);
    }
  }
}
