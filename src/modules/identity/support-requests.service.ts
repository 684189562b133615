import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, notFound } from '../../common/errors/problem.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../../common/pagination/cursor.js';
import { BusinessCalendar } from '../../common/time/business-calendar.js';
import { Clock } from '../../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { AUTH_LIMITS, AuthThrottle } from './auth-throttle.service.js';
import type { ListDto, SupportRequestDto } from './dto/auth.dto.js';
import type { SupportRequestCreatedDto, SupportRequestItemDto } from './dto/support-requests.dto.js';
import { decodeScreenshot } from './screenshot.js';
import { SupportRequestsRepository } from './support-requests.repository.js';

export const SUPPORT_DUE_BUSINESS_DAYS = 2;

/** Problem reports to the MyPatients team (with an optional screenshot) and the staff queue of them. */
@Injectable()
export class SupportRequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: SupportRequestsRepository,
    private readonly clock: Clock,
    private readonly calendar: BusinessCalendar,
    private readonly throttle: AuthThrottle,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(user: AuthUser, dto: SupportRequestDto): Promise<SupportRequestCreatedDto> {
    const screenshot = dto.screenshot ? decodeScreenshot(dto.screenshot) : null;
    const description = dto.description.trim();
    if (!description) {
      throw badRequest('validation_failed', undefined, { errors: [{ field: 'description', message: 'description should not be empty' }] });
    }
    await this.throttle.account(AUTH_LIMITS.supportUser, user.id);
    const now = this.clock.now();
    const dueAt = this.calendar.addBusinessDays(now, SUPPORT_DUE_BUSINESS_DAYS);
    return this.dataSource.transaction(async (manager) => {
      const id = await this.requests.insert(
        {
          userId: user.id,
          loginEmail: user.email,
          name: `${user.firstName} ${user.lastName}`,
          description,
          screenshot,
          dueAt,
          createdAt: now,
        },
        manager,
      );
      // The description may hold anything the user typed: the email only points to the staff queue.
      await this.notifications.record(manager, {
        template: 'team-support-request',
        to: this.config.teamEmail,
        data: {
          requestId: id,
          firstName: user.firstName,
          lastName: user.lastName,
          loginEmail: user.email,
          dueAt: dueAt.toISOString(),
          hasScreenshot: Boolean(screenshot),
        },
        idempotencyKey: `team-support-request:${id}`,
      });
      await this.audit.record(
        { actorId: user.id, actorKind: user.kind, action: 'account.support_request', outcome: 'success', details: { requestId: id } },
        manager,
      );
      return { id, dueAt: dueAt.toISOString() };
    });
  }

  /** The staff queue, newest first. */
  async list(staff: AuthUser, query: ListDto): Promise<Page<SupportRequestItemDto>> {
    const limit = pageLimit(query.limit);
    const cursor = decodeCursor(query.cursor, ['instant', 'uuid']);
    const now = this.clock.now();
    const page = toPage(await this.requests.page(cursor, limit + 1), limit, (r) => [r.cursorAt, r.id]);
    // SPEC §7: the requests' text may show a patient (they name none): one staff read per request shown.
    await this.audit.recordStaffReads(
      staff,
      'GET /staff/support-requests',
      page.items.map((r) => ({ patientId: null, details: { supportRequestId: r.id } })),
    );
    return {
      items: page.items.map((r) => ({
        id: r.id,
        userId: r.userId,
        loginEmail: r.loginEmail,
        name: r.name,
        description: r.description,
        hasScreenshot: r.hasScreenshot,
        screenshotUrl: r.hasScreenshot ? `/api/v1/staff/support-requests/${r.id}/screenshot` : null,
        status: r.status,
        createdAt: r.createdAt,
        dueAt: r.dueAt,
        overdue: r.status === 'open' && r.dueAt < now,
      })),
      nextCursor: page.nextCursor,
    };
  }

  async screenshot(staff: AuthUser, id: string): Promise<{ bytes: Buffer; type: string }> {
    const shot = await this.requests.findScreenshot(id);
    if (!shot) throw notFound('This support request has no screenshot.');
    await this.audit.recordStaffReads(staff, 'GET /staff/support-requests/:id/screenshot', [{ patientId: null, details: { supportRequestId: id } }]);
    return shot;
  }
}
