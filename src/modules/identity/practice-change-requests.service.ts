import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, conflict, notFound } from '../../common/errors/problem.js';
import { hospitalDate } from '../../common/time/hospital-time.js';
import { isUuid } from '../../common/validation/uuid.js';
import { decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import type { ListDto, PracticeChangeRequestDto } from './dto/auth.dto.js';
import type { PracticeChangeRequestCreatedDto } from './dto/me.dto.js';
import type {
  ListPracticeChangeRequestsDto,
  MyPracticeChangeRequestPageDto,
  PracticeChangeOutcomeDto,
  PracticeChangeRequestItemDto,
  PracticeChangeRequestPageDto,
} from './dto/practice-change-requests.dto.js';
import {
  PracticeChangeRequestsRepository,
  type PracticeChangeRequestItem,
} from './practice-change-requests.repository.js';
import { PracticeMoveService } from './practice-move.service.js';
import { AccountDirectoryService } from './account-directory.service.js';
import { inTransaction } from '../../database/sql.js';

/** A user's request to move to another practice, the staff queue of them, and carrying one out or rejecting it. */
@Injectable()
export class PracticeChangeRequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: PracticeChangeRequestsRepository,
    private readonly directory: AccountDirectoryService,
    private readonly moves: PracticeMoveService,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(user: AuthUser, dto: PracticeChangeRequestDto): Promise<PracticeChangeRequestCreatedDto> {
    const request = {
      newPracticeName: dto.newPracticeName.trim(),
      address: dto.address.trim(),
      phone: dto.phone.trim(),
      fax: dto.fax.trim(),
      email: dto.email?.trim().toLowerCase() ?? null,
      wasSponsor: dto.wasSponsor,
    };
    return inTransaction(this.dataSource, async (manager) => {
      const now = this.clock.now();
      const account = await this.directory.findById(user.id, manager);
      if (!account) throw notFound();
      const id = await this.requests.insert(
        { userId: user.id, oldPracticeId: account.practiceId, ...request, createdAt: now },
        manager,
      );
      await this.notifications.record(manager, {
        template: 'team-practice-change',
        to: this.config.teamEmail,
        data: {
          requestId: id,
          firstName: account.firstName,
          lastName: account.lastName,
          loginEmail: account.email,
          oldPracticeName: account.practiceName ?? '(none)',
          newPracticeName: request.newPracticeName,
          address: request.address,
          phone: request.phone,
          fax: request.fax,
          newEmail: request.email ?? '',
          wasSponsor: request.wasSponsor,
        },
        idempotencyKey: `team-practice-change:${id}`,
      });
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: 'account.practice_change_request',
          outcome: 'success',
          details: { requestId: id },
        },
        manager,
      );
      return { id };
    });
  }

  /** The staff queue, newest first (`?status=` filters). */
  async list(query: ListPracticeChangeRequestsDto): Promise<PracticeChangeRequestPageDto> {
    const limit = pageLimit(query.limit);
    const cursor = decodeCursor(query.cursor, ['instant', 'uuid']);
    const { items, nextCursor } = toPage(
      await this.requests.page(query.status, cursor, limit + 1),
      limit,
      (r) => [r.cursorAt, r.id],
    );
    return { items: items.map(({ cursorAt: _cursorAt, ...item }) => item), nextCursor };
  }

  async detail(id: string): Promise<PracticeChangeRequestItemDto> {
    const found = await this.requests.findById(id);
    if (!found) throw notFound('No practice-change request has this id.');
    const { cursorAt: _cursorAt, ...item } = found;
    return item;
  }

  /** The caller's own requests, newest first. */
  async mine(user: AuthUser, query: ListDto): Promise<MyPracticeChangeRequestPageDto> {
    const limit = pageLimit(query.limit);
    const cursor = decodeCursor(query.cursor, ['instant', 'uuid']);
    const { items, nextCursor } = toPage(
      await this.requests.pageOfUser(user.id, cursor, limit + 1),
      limit,
      (r) => [r.cursorAt, r.id],
    );
    return { items: items.map(({ cursorAt: _cursorAt, ...item }) => item), nextCursor };
  }

  /**
   * Carries the request out: the requester moves to `practiceId` as with `PUT /staff/users/:id/practice`
   * (with their sponsored users; emailed `practice-moved`), and the request closes, in one transaction.
   * A sponsored user's request: 409 `not_applicable` (reject it; a sponsor of the new practice creates a new account).
   */
  async complete(staff: AuthUser, id: string, practiceId: string): Promise<PracticeChangeOutcomeDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const request = await this.openRequest(id, manager);
      if (!isUuid(practiceId)) throw badRequest('unknown_practice', 'No practice has this id.');
      await this.moves.move(manager, staff, request.user.id, practiceId);
      await this.requests.resolve(
        id,
        { status: 'completed', staffId: staff.id, now: this.clock.now(), newPracticeId: practiceId },
        manager,
      );
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: 'staff',
          action: 'staff.practice_change_complete',
          outcome: 'success',
          details: { requestId: id, userId: request.user.id, practiceId },
        },
        manager,
      );
      return { status: 'completed' as const };
    });
  }

  async reject(staff: AuthUser, id: string, reasonRaw: string): Promise<PracticeChangeOutcomeDto> {
    const reason = reasonRaw.trim();
    return inTransaction(this.dataSource, async (manager) => {
      const request = await this.openRequest(id, manager);
      await this.requests.resolve(
        id,
        { status: 'rejected', staffId: staff.id, now: this.clock.now(), reason },
        manager,
      );
      await this.notifications.record(manager, {
        template: 'practice-change-rejected',
        to: request.user.email,
        data: { firstName: request.user.firstName, requestedOn: hospitalDate(request.createdAt), reason },
        idempotencyKey: `practice-change-rejected:${id}`,
      });
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: 'staff',
          action: 'staff.practice_change_reject',
          outcome: 'success',
          details: { requestId: id, userId: request.user.id },
        },
        manager,
      );
      return { status: 'rejected' as const };
    });
  }

  /** The request row-locked; 404 unknown, 409 `invalid_state` when already completed or rejected. */
  private async openRequest(id: string, manager: EntityManager): Promise<PracticeChangeRequestItem> {
    const request = await this.requests.findById(id, manager, true);
    if (!request) throw notFound('No practice-change request has this id.');
    if (request.status !== 'open')
      throw conflict('invalid_state', `This request is already ${request.status}.`);
    return request;
  }
}
