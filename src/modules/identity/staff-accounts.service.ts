import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { AccountAdministrationRepository } from './account-administration.repository.js';
import { effectiveStatus, unverifiedCutoff } from './account-status.policy.js';
import { ActionTokensService } from './action-tokens.service.js';
import type {
  CreateStaffAccountDto,
  StaffAccountCreatedDto,
  StaffRolesChangedDto,
} from './dto/staff-users.dto.js';
import type { StaffRole } from './entities/user.entity.js';
import { normalizeRoles, removesLastAdmin } from './staff-roles.policy.js';
import { inTransaction } from '../../database/sql.js';

export const lastAdmin = () =>
  conflict('last_admin', 'The last active admin cannot lose the admin role or be locked or deactivated.');

/** Staff accounts (admin only): created invited (activation email, TOTP at first sign-in), and their roles. */
@Injectable()
export class StaffAccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly administration: AccountAdministrationRepository,
    private readonly tokens: ActionTokensService,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async create(admin: AuthUser, dto: CreateStaffAccountDto): Promise<StaffAccountCreatedDto> {
    const email = dto.email.trim().toLowerCase();
    const roles = normalizeRoles(dto.roles);
    return inTransaction(this.dataSource, async (manager) => {
      const now = this.clock.now();
      // An unverified registration older than seven days holds no email: it must not block this one.
      for (const id of await this.administration.releaseStaleRegistrations(
        email,
        null,
        unverifiedCutoff(now),
        now,
        manager,
      )) {
        await this.tokens.voidAll(manager, id);
      }
      const firstName = dto.firstName.trim();
      const lastName = dto.lastName.trim();
      const created = await this.administration.insertInvitedStaff(
        { email, firstName, lastName, roles, now },
        manager,
      );
      if (!created) throw conflict('email_taken', 'An account already exists for this email address.');
      const token = await this.tokens.issue(manager, created.id, 'activate');
      await this.notifications.record(manager, {
        template: 'staff-account-invitation',
        to: email,
        data: { firstName, lastName, token },
        idempotencyKey: `staff-account-invitation:${created.id}:${now.getTime()}`,
      });
      await this.audit.record(
        {
          actorId: admin.id,
          actorKind: 'staff',
          action: 'staff.staff_account_create',
          outcome: 'success',
          details: { userId: created.id, roles },
        },
        manager,
      );
      return { id: created.id, status: 'invited' as const };
    });
  }

  async setRoles(admin: AuthUser, userId: string, requested: StaffRole[]): Promise<StaffRolesChangedDto> {
    const roles = normalizeRoles(requested);
    return inTransaction(this.dataSource, async (manager) => {
      const admins = await this.administration.lockActiveAdmins(manager);
      const target = await this.administration.findForUpdate(userId, manager);
      if (!target || target.kind !== 'staff') throw notFound('No staff account has this id.');
      const now = this.clock.now();
      if (
        !roles.includes('admin') &&
        effectiveStatus(target, now) === 'active' &&
        removesLastAdmin(admins, target.id)
      )
        throw lastAdmin();
      await this.administration.setRoles(target.id, roles, now, manager);
      await this.audit.record(
        {
          actorId: admin.id,
          actorKind: 'staff',
          action: 'staff.roles_change',
          outcome: 'success',
          details: { userId: target.id, before: target.roles, after: roles },
        },
        manager,
      );
      return { id: target.id, roles };
    });
  }
}
