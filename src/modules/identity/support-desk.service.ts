import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, notFound } from '../../common/errors/problem.js';
import { decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { hospitalDate } from '../../common/time/hospital-time.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import type {
  ListSupportRequestsDto,
  SupportReplyBodyDto,
  SupportRequestItemDto,
  SupportRequestPageDto,
  SupportStatusDto,
} from './dto/support-requests.dto.js';
import { publicReplies } from './support-requests.service.js';
import { SupportRequestsRepository, type SupportRequestSummary } from './support-requests.repository.js';
import { inTransaction } from '../../database/sql.js';

/**
 * The team's help desk: the queue, a request, replies (emailed to the requester verbatim — the one
 * email carrying staff free text) and closing. Life cycle `open` → `answered` → `closed`; only an
 * open request can be overdue.
 */
@Injectable()
export class SupportDeskService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: SupportRequestsRepository,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async list(staff: AuthUser, query: ListSupportRequestsDto): Promise<SupportRequestPageDto> {
    const limit = pageLimit(query.limit);
    const cursor = decodeCursor(query.cursor, ['instant', 'uuid']);
    const now = this.clock.now();
    const found = await this.requests.page(
      { status: query.status, overdue: query.overdue, now },
      cursor,
      limit + 1,
    );
    const page = toPage(found, limit, (r) => [r.cursorAt, r.id]);
    // SPEC §7: the requests' text may show a patient (they name none): one staff read per request shown.
    await this.audit.recordStaffReads(
      staff,
      'GET /staff/support-requests',
      page.items.map((r) => ({ patientId: null, details: { supportRequestId: r.id } })),
    );
    return { items: page.items.map((r) => this.item(r, now)), nextCursor: page.nextCursor };
  }

  async detail(staff: AuthUser, id: string): Promise<SupportRequestItemDto> {
    const request = await this.requests.findById(id);
    if (!request) throw notFound('No support request has this id.');
    await this.audit.recordStaffReads(staff, 'GET /staff/support-requests/:id', [
      { patientId: null, details: { supportRequestId: id } },
    ]);
    return this.item(request, this.clock.now());
  }

  async reply(staff: AuthUser, id: string, dto: SupportReplyBodyDto): Promise<SupportStatusDto> {
    const message = dto.message.trim();
    return inTransaction(this.dataSource, async (manager) => {
      const request = await this.requests.findById(id, manager, true);
      if (!request) throw notFound('No support request has this id.');
      if (request.status === 'closed') throw conflict('invalid_state', 'This request is closed.');
      const now = this.clock.now();
      const status = dto.close ? 'closed' : 'answered';
      await this.requests.addReply(
        id,
        { at: now.toISOString(), from: 'team', message, staffId: staff.id },
        status,
        now,
        manager,
      );
      await this.notifications.record(manager, {
        template: 'support-request-reply',
        to: request.loginEmail,
        data: {
          name: request.name,
          requestedOn: hospitalDate(request.createdAt),
          message,
          closed: status === 'closed',
        },
        idempotencyKey: `support-request-reply:${id}:${request.replies.length}`,
      });
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: 'staff',
          action: 'staff.support_reply',
          outcome: 'success',
          details: { supportRequestId: id, status },
        },
        manager,
      );
      return { status };
    });
  }

  async close(staff: AuthUser, id: string): Promise<SupportStatusDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const request = await this.requests.findById(id, manager, true);
      if (!request) throw notFound('No support request has this id.');
      if (!(await this.requests.close(id, this.clock.now(), manager)))
        throw conflict('invalid_state', 'This request is already closed.');
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: 'staff',
          action: 'staff.support_close',
          outcome: 'success',
          details: { supportRequestId: id },
        },
        manager,
      );
      return { status: 'closed' };
    });
  }

  async screenshot(staff: AuthUser, id: string): Promise<{ bytes: Buffer; type: string }> {
    const shot = await this.requests.findScreenshot(id);
    if (!shot) throw notFound('This support request has no screenshot.');
    await this.audit.recordStaffReads(staff, 'GET /staff/support-requests/:id/screenshot', [
      { patientId: null, details: { supportRequestId: id } },
    ]);
    return shot;
  }

  private item(r: SupportRequestSummary, now: Date): SupportRequestItemDto {
    return {
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
      signedIn: r.userId !== null,
      replies: publicReplies(r.replies),
    };
  }
}
