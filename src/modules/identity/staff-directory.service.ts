import { Injectable } from '@nestjs/common';
import { notFound } from '../../common/errors/problem.js';
import { decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { AccountDirectoryRepository } from './account-directory.repository.js';
import { SESSION_IDLE_MS } from './auth/session.service.js';
import type { ListDto } from './dto/auth.dto.js';
import type {
  ListStaffUsersDto,
  StaffAccountPageDto,
  StaffUserDetailDto,
  StaffUserItemDto,
  StaffUserPageDto,
} from './dto/staff-users.dto.js';
import { SessionsRepository } from './sessions.repository.js';
import { StaffDirectoryRepository, type DirectoryDetail } from './staff-directory.repository.js';

const CURSOR = ['instant', 'uuid'] as const;

function toItem(e: DirectoryDetail): StaffUserItemDto {
  return {
    id: e.id,
    kind: e.kind,
    email: e.email,
    firstName: e.firstName,
    lastName: e.lastName,
    npi: e.npi,
    practice: e.practice,
    status: e.status,
    lockReason: e.lockReason,
    isSponsor: e.isSponsor,
    sponsorId: e.sponsorId,
    roles: e.roles,
    lastSignInAt: e.lastSignInAt,
  };
}

/** The team's user directory (find anyone by email, name or NPI) and the admin's list of staff accounts. */
@Injectable()
export class StaffDirectoryService {
  constructor(
    private readonly directory: StaffDirectoryRepository,
    private readonly accounts: AccountDirectoryRepository,
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
  ) {}

  async list(query: ListStaffUsersDto): Promise<StaffUserPageDto> {
    const limit = pageLimit(query.limit);
    const after = decodeCursor(query.cursor, CURSOR);
    const found = await this.directory.page(
      {
        q: query.q?.toLowerCase() ?? null,
        kind: query.kind ?? null,
        status: query.status ?? null,
        practiceId: query.practiceId ?? null,
      },
      after,
      limit + 1,
      this.clock.now(),
    );
    const page = toPage(found, limit, (e) => [e.cursorAt, e.id]);
    return { items: page.items.map(toItem), nextCursor: page.nextCursor };
  }

  async detail(userId: string): Promise<StaffUserDetailDto> {
    const now = this.clock.now();
    const entry = await this.directory.findDetail(userId, now);
    if (!entry) throw notFound('No account has this id.');
    const sponsored = entry.isSponsor ? await this.accounts.listSponsoredUsers(entry.id, undefined, now) : [];
    const sessions = await this.sessions.listLive(entry.id, now, new Date(now.getTime() - SESSION_IDLE_MS));
    return {
      ...toItem(entry),
      sponsoredUsers: sponsored.map((s) => ({
        id: s.id,
        email: s.email,
        firstName: s.firstName,
        lastName: s.lastName,
        role: s.sponsoredRole,
        status: s.status,
      })),
      activeSessions: sessions,
      mfaEnrolled: entry.mfaEnrolled,
    };
  }

  async staffAccounts(query: ListDto): Promise<StaffAccountPageDto> {
    const limit = pageLimit(query.limit);
    const found = await this.directory.pageStaffAccounts(
      decodeCursor(query.cursor, CURSOR),
      limit + 1,
      this.clock.now(),
    );
    const page = toPage(found, limit, (e) => [e.cursorAt, e.id]);
    return { items: page.items.map(({ cursorAt: _cursor, ...item }) => item), nextCursor: page.nextCursor };
  }
}
