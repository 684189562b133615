import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest } from '../../common/errors/problem.js';
import { decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { BusinessCalendar } from '../../common/time/business-calendar.js';
import { Clock } from '../../common/time/clock.js';
import { HOSPITAL_TIME_ZONE } from '../../common/time/hospital-time.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { AUTH_LIMITS, AuthThrottle } from './auth-throttle.service.js';
import type { ListDto, SupportRequestDto } from './dto/auth.dto.js';
import type {
  MySupportRequestPageDto,
  SupportReplyDto,
  SupportRequestCreatedDto,
} from './dto/support-requests.dto.js';
import { decodeScreenshot } from './screenshot.js';
import { SupportRequestsRepository, type SupportReply } from './support-requests.repository.js';
import { inTransaction } from '../../database/sql.js';

export const SUPPORT_DUE_BUSINESS_DAYS = 2;

const HOSPITAL_CLOCK = new Intl.DateTimeFormat('en-US', {
  timeZone: HOSPITAL_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

/** `2026-11-18 23:59 EST`: how a person reads an instant (hospital time), never raw UTC. */
export function hospitalTimeLabel(instant: Date): string {
  const part = Object.fromEntries(HOSPITAL_CLOCK.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} ${part.timeZoneName}`;
}

/** What a requester sees of the conversation (never which staff member wrote). */
export const publicReplies = (replies: SupportReply[]): SupportReplyDto[] =>
  replies.map(({ at, from, message }) => ({ at, from, message }));

const missing = (field: string) => ({ field, message: `${field} is required when not signed in` });

/** Problem reports to the MyPatients team, signed in or not, and the requester's own list of them. */
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

  /**
   * Signed in: the account's email and name. Signed out: `email` and `name` as typed, never looked
   * up (the answer is the same whether or not an account has that email), throttled per email and
   * per address. No acknowledgement email: it would let anyone mail any address.
   */
  async create(
    user: AuthUser | undefined,
    dto: SupportRequestDto,
    ip: string,
  ): Promise<SupportRequestCreatedDto> {
    const description = dto.description.trim();
    const errors = [];
    if (!description) errors.push({ field: 'description', message: 'description should not be empty' });
    if (!user) {
      if (!dto.email) errors.push(missing('email'));
      if (!dto.name?.trim()) errors.push(missing('name'));
    }
    if (errors.length) throw badRequest('validation_failed', undefined, { errors });
    const screenshot = dto.screenshot ? decodeScreenshot(dto.screenshot) : null;
    if (user) {
      await this.throttle.account(AUTH_LIMITS.supportUser, user.id);
    } else {
      await this.throttle.ip(ip, AUTH_LIMITS.supportIp);
      await this.throttle.account(AUTH_LIMITS.supportEmail, dto.email!);
    }
    const loginEmail = user ? user.email : dto.email!.trim().toLowerCase();
    const name = user ? `${user.firstName} ${user.lastName}` : dto.name!.trim();
    const now = this.clock.now();
    const dueAt = this.calendar.addBusinessDays(now, SUPPORT_DUE_BUSINESS_DAYS);
    return inTransaction(this.dataSource, async (manager) => {
      const id = await this.requests.insert(
        { userId: user?.id ?? null, loginEmail, name, description, screenshot, dueAt, createdAt: now },
        manager,
      );
      // The description may hold anything the user typed: the email only points to the staff queue.
      await this.notifications.record(manager, {
        template: 'team-support-request',
        to: this.config.teamEmail,
        data: {
          requestId: id,
          firstName: user ? user.firstName : name,
          lastName: user ? user.lastName : '',
          loginEmail,
          dueAt: hospitalTimeLabel(dueAt),
          hasScreenshot: Boolean(screenshot),
          signedIn: Boolean(user),
        },
        idempotencyKey: `team-support-request:${id}`,
      });
      await this.audit.record(
        {
          actorId: user?.id ?? null,
          actorKind: user?.kind ?? 'anonymous',
          action: 'account.support_request',
          outcome: 'success',
          details: { requestId: id, signedIn: Boolean(user), ...(user ? {} : { ip }) },
        },
        manager,
      );
      return { id, dueAt: dueAt.toISOString() };
    });
  }

  /** The requests made while signed in to this account, with the replies, newest first. */
  async mine(user: AuthUser, query: ListDto): Promise<MySupportRequestPageDto> {
    const limit = pageLimit(query.limit);
    const cursor = decodeCursor(query.cursor, ['instant', 'uuid']);
    const page = toPage(await this.requests.pageOfUser(user.id, cursor, limit + 1), limit, (r) => [
      r.cursorAt,
      r.id,
    ]);
    return {
      items: page.items.map((r) => ({
        id: r.id,
        status: r.status,
        createdAt: r.createdAt,
        dueAt: r.dueAt,
        replies: publicReplies(r.replies),
      })),
      nextCursor: page.nextCursor,
    };
  }
}
