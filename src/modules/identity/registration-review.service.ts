import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, notFound } from '../../common/errors/problem.js';
import { decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { AccountManagementRepository, type ReviewedAccount } from './account-management.repository.js';
import { SessionService } from './auth/session.service.js';
import type { ListRegistrationsDto } from './dto/auth.dto.js';
import type {
  RegistrationApprovedDto,
  RegistrationPageDto,
  RegistrationRejectedDto,
} from './dto/registrations.dto.js';
import type { UserStatus } from './entities/user.entity.js';
import { RegistrationApprovalHooks } from './registration-approval.port.js';
import { inTransaction } from '../../database/sql.js';

/** Staff review of self-registered providers: the queue, approve, reject. */
@Injectable()
export class RegistrationReviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountManagementRepository,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly approvalHooks: RegistrationApprovalHooks,
  ) {}

  async list(query: ListRegistrationsDto): Promise<RegistrationPageDto> {
    const limit = pageLimit(query.limit);
    const cursor = decodeCursor(query.cursor, ['instant', 'uuid']);
    const found = await this.accounts.pageRegistrations(
      query.status ?? 'pending_approval',
      cursor,
      limit + 1,
    );
    const { items, nextCursor } = toPage(found, limit, (r) => [r.cursorAt, r.userId]);
    return { items: items.map(({ cursorAt: _cursorAt, ...item }) => item), nextCursor };
  }

  async approve(staff: AuthUser, userId: string): Promise<RegistrationApprovedDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const user = await this.pendingRegistration(manager, userId, ['pending_approval']);
      await this.accounts.approve(user.id, staff.id, this.clock.now(), manager);
      await this.notifications.record(manager, {
        template: 'registration-approved',
        to: user.email,
        data: { firstName: user.firstName },
        idempotencyKey: `registration-approved:${user.id}`,
      });
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: 'staff',
          action: 'staff.approve',
          outcome: 'success',
          details: { userId: user.id },
        },
        manager,
      );
      // Dual control (issue 18 item 12): privacy looks for an invitation to this email by the same staff member.
      await this.approvalHooks.run(manager, { staffId: staff.id, userId: user.id, email: user.email });
      return { status: 'active' as const };
    });
  }

  /** Also a registration whose email was never verified (spam, a wrong NPI). */
  async reject(staff: AuthUser, userId: string, reasonRaw: string): Promise<RegistrationRejectedDto> {
    const reason = reasonRaw.trim();
    return inTransaction(this.dataSource, async (manager) => {
      const user = await this.pendingRegistration(manager, userId, ['pending_approval', 'pending_email']);
      await this.accounts.reject(user.id, reason, staff.id, this.clock.now(), manager);
      await this.sessions.revokeAll(manager, user.id, 'rejected');
      await this.notifications.record(manager, {
        template: 'registration-rejected',
        to: user.email,
        data: { firstName: user.firstName, reason },
        idempotencyKey: `registration-rejected:${user.id}`,
      });
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: 'staff',
          action: 'staff.reject',
          outcome: 'success',
          details: { userId: user.id },
        },
        manager,
      );
      return { status: 'rejected' as const };
    });
  }

  private async pendingRegistration(
    manager: EntityManager,
    userId: string,
    allowed: UserStatus[],
  ): Promise<ReviewedAccount> {
    const user = await this.accounts.findForStaffAction(userId, manager);
    if (!user || user.kind !== 'provider' || user.hospitalId) throw notFound('No registration has this id.');
    if (!allowed.includes(user.status)) {
      throw conflict('invalid_state', `This registration is ${user.status}, not awaiting approval.`, {
        currentStatus: user.status,
      });
    }
    return user;
  }
}
