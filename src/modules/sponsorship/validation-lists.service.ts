import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth/principal.js';
import { forbidden } from '../../common/errors/problem.js';
import { decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { hospitalDate } from '../../common/time/hospital-time.js';
import type { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import type {
  ListStaffValidationsDto,
  StaffValidationPageDto,
  ValidationHistoryPageDto,
  ValidationStatus,
} from './dto/validation.dto.js';
import {
  SponsorValidationListsRepository,
  type ValidationSummary,
} from './sponsor-validation-lists.repository.js';
import { lastDayOf, nextPeriodOpensOn, validationWindow } from './validation-period.js';

/** A sponsor's validation history and the team's view of every sponsor's validation of a period. */
@Injectable()
export class ValidationListsService {
  constructor(
    private readonly lists: SponsorValidationListsRepository,
    private readonly clock: Clock,
  ) {}

  async history(caller: AuthUser, query: PageQueryDto): Promise<ValidationHistoryPageDto> {
    if (caller.kind !== 'provider' || !caller.isSponsor)
      throw forbidden('not_a_sponsor', 'Only sponsors have validations.');
    const limit = pageLimit(query.limit);
    const cursor = decodeCursor(query.cursor, ['instant', 'uuid']);
    const page = toPage(await this.lists.pageOfSponsor(caller.id, cursor, limit + 1), limit, (r) => [
      r.cursorAt,
      r.id,
    ]);
    return {
      items: page.items.map((v) => ({
        id: v.id,
        period: v.period,
        dueAt: v.dueAt.toISOString(),
        lastDay: lastDayOf(v.dueDate),
        status: this.statusOf(v),
        completedAt: v.completedAt?.toISOString() ?? null,
        userCount: v.userCount,
      })),
      nextCursor: page.nextCursor,
      nextPeriodOpensOn: nextPeriodOpensOn(hospitalDate(this.clock.now())),
    };
  }

  /** `period` defaults to the one containing today (hospital time). */
  async staffList(query: ListStaffValidationsDto): Promise<StaffValidationPageDto> {
    const limit = pageLimit(query.limit);
    const cursor = decodeCursor(query.cursor, ['uuid']);
    const now = this.clock.now();
    const period = query.period ?? validationWindow(hospitalDate(now)).period;
    const found = await this.lists.pageOfPeriod(
      { period, status: query.status, now },
      cursor?.[0] ?? null,
      limit + 1,
    );
    const page = toPage(found, limit, (r) => [r.id]);
    return {
      items: page.items.map((v) => ({
        id: v.id,
        sponsor: {
          id: v.sponsor.id,
          name: `${v.sponsor.firstName} ${v.sponsor.lastName}`,
          email: v.sponsor.email,
          status: v.sponsor.status,
          lockReason: v.sponsor.lockReason,
        },
        period: v.period,
        dueAt: v.dueAt.toISOString(),
        lastDay: lastDayOf(v.dueDate),
        status: this.statusOf(v),
        completedAt: v.completedAt?.toISOString() ?? null,
        userCount: v.userCount,
      })),
      nextCursor: page.nextCursor,
    };
  }

  private statusOf(v: ValidationSummary): ValidationStatus {
    if (v.completedAt) return 'completed';
    if (v.enforcedAt || this.clock.now().getTime() >= v.dueAt.getTime()) return 'overdue';
    return 'pending';
  }
}
