import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { AccountAdministrationRepository } from './account-administration.repository.js';
import { AccountDirectoryRepository } from './account-directory.repository.js';
import { effectiveStatus, staffActionRefusal, type StaffAccountAction } from './account-status.policy.js';
import { ACTION_TOKEN_TTL_MS, ActionTokensService } from './action-tokens.service.js';
import { SessionService } from './auth/session.service.js';
import type { LinkResentDto, MfaResetDto } from './dto/staff-users.dto.js';
import { administrationRefusal } from './staff-roles.policy.js';
import { inTransaction } from '../../database/sql.js';

/**
 * Help-desk recovery: a lost authenticator (reset MFA, which also voids the password, so a phone
 * call alone never hands over an account) and an expired verification or activation link.
 */
@Injectable()
export class AccountRecoveryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly administration: AccountAdministrationRepository,
    private readonly directory: AccountDirectoryRepository,
    private readonly tokens: ActionTokensService,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async resetMfa(staff: AuthUser, userId: string): Promise<MfaResetDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const target = await this.administration.findForUpdate(userId, manager);
      if (!target) throw notFound('No account has this id.');
      this.assertMay(staff, target, 'reset_mfa', { adminOnStaff: true });
      const now = this.clock.now();
      await this.administration.resetCredentials(target.id, now, manager);
      const ended = await this.sessions.revokeAll(manager, target.id, 'mfa_reset');
      // The reset-password link is the way back in; TOTP enrolment follows at the next sign-in.
      const token = await this.tokens.issue(manager, target.id, 'reset_password');
      await this.notifications.record(manager, {
        template: 'mfa-reset',
        to: target.email,
        data: {
          firstName: target.firstName,
          token,
          expiresInMinutes: ACTION_TOKEN_TTL_MS.reset_password / 60_000,
        },
        idempotencyKey: `mfa-reset:${target.id}:${now.getTime()}`,
      });
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: 'staff',
          action: 'staff.reset_mfa',
          outcome: 'success',
          details: { userId: target.id, sessionsEnded: ended },
        },
        manager,
      );
      return { sessionsEnded: ended, linkSent: true };
    });
  }

  async resendLink(staff: AuthUser, userId: string): Promise<LinkResentDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const target = await this.administration.findForUpdate(userId, manager);
      if (!target) throw notFound('No account has this id.');
      // The table gives this route to `team` on every account (no admin needed on staff).
      this.assertMay(staff, target, 'resend_link', { adminOnStaff: false });
      const now = this.clock.now();
      const name = { firstName: target.firstName, lastName: target.lastName };
      let link: 'verify_email' | 'activate';
      if (effectiveStatus(target, now) === 'pending_email') {
        link = 'verify_email';
        const token = await this.tokens.issue(manager, target.id, 'verify_email');
        await this.notifications.record(manager, {
          template: 'verify-email',
          to: target.email,
          data: { firstName: target.firstName, token },
          idempotencyKey: `verify-email:${target.id}:${now.getTime()}`,
        });
      } else {
        link = 'activate';
        const token = await this.tokens.issue(manager, target.id, 'activate');
        const key = `activation-resent:${target.id}:${now.getTime()}`;
        const sponsor =
          target.kind === 'sponsored' && target.sponsorId
            ? await this.directory.findAccount(target.sponsorId, now, manager)
            : undefined;
        if (sponsor) {
          const sponsorName = `${sponsor.firstName} ${sponsor.lastName}`;
          await this.notifications.record(manager, {
            template: 'sponsored-user-activation',
            to: target.email,
            data: { ...name, sponsorName, token },
            idempotencyKey: key,
          });
        } else {
          await this.notifications.record(manager, {
            template: 'staff-account-invitation',
            to: target.email,
            data: { ...name, token },
            idempotencyKey: key,
          });
        }
      }
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: 'staff',
          action: 'staff.resend_link',
          outcome: 'success',
          details: { userId: target.id, link },
        },
        manager,
      );
      return { link };
    });
  }

  private assertMay(
    staff: AuthUser,
    target: Parameters<typeof staffActionRefusal>[1] & {
      id: string;
      kind: 'provider' | 'sponsored' | 'staff';
    },
    action: StaffAccountAction,
    options: { adminOnStaff: boolean },
  ): void {
    const refusal =
      administrationRefusal(staff, target, options) ?? staffActionRefusal(action, target, this.clock.now());
    if (refusal) throw refusal;
  }
}
