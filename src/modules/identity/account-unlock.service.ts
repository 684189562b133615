import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { AccountManagementRepository } from './account-management.repository.js';
import type { AccountUnlockedDto } from './dto/registrations.dto.js';
import { administrationRefusal } from './staff-roles.policy.js';
import { inTransaction } from '../../database/sql.js';

/** Staff unlock of a failed-sign-in or staff lock (a validation lock ends when the sponsor completes validation). */
@Injectable()
export class AccountUnlockService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountManagementRepository,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async unlock(staff: AuthUser, userId: string): Promise<AccountUnlockedDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const user = await this.accounts.findForStaffAction(userId, manager);
      if (!user) throw notFound('No account has this id.');
      const refusal = administrationRefusal(staff, user);
      if (refusal) throw refusal;
      if (user.status !== 'locked')
        throw conflict('not_locked', `This account is ${user.status}, not locked.`, {
          currentStatus: user.status,
        });
      if (user.lockReason === 'validation_overdue') {
        throw conflict(
          'validation_lock',
          'This account is locked until its sponsor completes the overdue validation.',
        );
      }
      const now = this.clock.now();
      const status = await this.accounts.unlock(user.id, now, manager);
      await this.notifications.record(manager, {
        template: 'account-unlocked',
        to: user.email,
        data: { firstName: user.firstName },
        idempotencyKey: `account-unlocked:${user.id}:${now.getTime()}`,
      });
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: 'staff',
          action: 'staff.unlock',
          outcome: 'success',
          details: { userId: user.id, lockReason: user.lockReason },
        },
        manager,
      );
      return { status: status === 'invited' ? ('invited' as const) : ('active' as const) };
    });
  }
}
