import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound } from '../../common/errors/problem.js';
import { decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import type { ListDto, PracticeChangeRequestDto } from './dto/auth.dto.js';
import type { PracticeChangeRequestCreatedDto } from './dto/me.dto.js';
import type { PracticeChangeRequestPageDto } from './dto/practice-change-requests.dto.js';
import { PracticeChangeRequestsRepository } from './practice-change-requests.repository.js';
import { AccountDirectoryService } from './account-directory.service.js';

/** A user's request to move to another practice (staff carry it out by hand) and the staff queue of them. */
@Injectable()
export class PracticeChangeRequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: PracticeChangeRequestsRepository,
    private readonly directory: AccountDirectoryService,
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
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const account = await this.directory.findById(user.id, manager);
      if (!account) throw notFound();
      const id = await this.requests.insert({ userId: user.id, oldPracticeId: account.practiceId, ...request, createdAt: now }, manager);
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

  /** The staff queue, newest first. */
  async list(query: ListDto): Promise<PracticeChangeRequestPageDto> {
    const limit = pageLimit(query.limit);
    const cursor = decodeCursor(query.cursor, ['instant', 'uuid']);
    const { items, nextCursor } = toPage(await this.requests.page(cursor, limit + 1), limit, (r) => [r.cursorAt, r.id]);
    return { items: items.map(({ cursorAt: _cursorAt, ...item }) => item), nextCursor };
  }
}
