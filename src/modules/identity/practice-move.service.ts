import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, conflict, notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { AccountAdministrationRepository } from './account-administration.repository.js';
import { AccountDirectoryRepository } from './account-directory.repository.js';
import type { PracticeMovedDto } from './dto/staff-users.dto.js';
import { PracticesRepository } from './practices.repository.js';
import { inTransaction } from '../../database/sql.js';

/**
 * Moves a provider to another practice, with their sponsored users, and tells them. Also the step
 * that carries out a practice-change request (`move` runs in the caller's transaction).
 */
@Injectable()
export class PracticeMoveService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly administration: AccountAdministrationRepository,
    private readonly directory: AccountDirectoryRepository,
    private readonly practices: PracticesRepository,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  moveByStaff(staff: AuthUser, userId: string, practiceId: string): Promise<PracticeMovedDto> {
    return inTransaction(this.dataSource, (manager) => this.move(manager, staff, userId, practiceId));
  }

  /**
   * 404 unknown account; 409 `not_applicable` for sponsored and staff accounts (a sponsored user's
   * practice is their sponsor's; staff have none); 400 `unknown_practice`.
   */
  async move(
    manager: EntityManager,
    staff: AuthUser,
    userId: string,
    practiceId: string,
  ): Promise<PracticeMovedDto> {
    const target = await this.administration.findForUpdate(userId, manager);
    if (!target) throw notFound('No account has this id.');
    if (target.kind !== 'provider') {
      throw conflict(
        'not_applicable',
        'Only a provider changes practice; a sponsored user gets a new account from a sponsor of the new practice.',
      );
    }
    if (!(await this.practices.exists(practiceId, manager)))
      throw badRequest('unknown_practice', 'No practice has this id.');
    const now = this.clock.now();
    const fromPracticeId = target.practiceId;
    const sponsoredUsersMoved = await this.administration.movePractice(target.id, practiceId, now, manager);
    const moved = await this.directory.findAccount(target.id, now, manager);
    const practiceName = moved?.practiceName ?? '';
    await this.notifications.record(manager, {
      template: 'practice-moved',
      to: target.email,
      data: { firstName: target.firstName, practiceName, sponsoredUsers: sponsoredUsersMoved > 0 },
      idempotencyKey: `practice-moved:${target.id}:${now.getTime()}`,
    });
    await this.audit.record(
      {
        actorId: staff.id,
        actorKind: 'staff',
        action: 'staff.practice_move',
        outcome: 'success',
        details: { userId: target.id, fromPracticeId, toPracticeId: practiceId, sponsoredUsersMoved },
      },
      manager,
    );
    return { id: target.id, practice: { id: practiceId, name: practiceName }, sponsoredUsersMoved };
  }
}
