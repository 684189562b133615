import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import type {
  CreatePracticeDto,
  PracticeCreatedDto,
  StaffPracticeDetailDto,
  StaffPracticeDto,
  UpdatePracticeDto,
} from './dto/staff-practices.dto.js';
import { PracticeRosterLink } from './practice-roster.port.js';
import { PracticesRepository } from './practices.repository.js';
import { cityFromAddress } from './registration.service.js';
import { inTransaction } from '../../database/sql.js';

/** The practice page shows at most this many members (a practice is a clinic, not a hospital). */
export const PRACTICE_MEMBERS_SHOWN = 500;

const noPractice = () => notFound('No practice has this id.');

/** Practices as the team runs them: created, shown (members and roster), edited, roster entries removed. */
@Injectable()
export class StaffPracticesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly practices: PracticesRepository,
    private readonly roster: PracticeRosterLink,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async create(staff: AuthUser, dto: CreatePracticeDto): Promise<PracticeCreatedDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const address = dto.address.trim();
      const id = await this.practices.insert(
        {
          name: dto.name.trim(),
          address,
          city: cityFromAddress(address),
          phone: dto.phone.trim(),
          fax: dto.fax.trim(),
          createdAt: this.clock.now(),
        },
        manager,
      );
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: 'staff',
          action: 'staff.practice_create',
          outcome: 'success',
          details: { practiceId: id },
        },
        manager,
      );
      return { id };
    });
  }

  async detail(practiceId: string): Promise<StaffPracticeDetailDto> {
    const practice = await this.practices.findDetail(practiceId);
    if (!practice) throw noPractice();
    const [members, npis] = await Promise.all([
      this.practices.members(practiceId, PRACTICE_MEMBERS_SHOWN),
      this.roster.rosterNpis(practiceId),
    ]);
    return { ...practice, members, roster: npis.map((npi) => ({ npi })) };
  }

  async update(staff: AuthUser, practiceId: string, dto: UpdatePracticeDto): Promise<StaffPracticeDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const address = dto.address?.trim();
      const updated = await this.practices.update(
        practiceId,
        {
          name: dto.name?.trim(),
          address,
          city: address === undefined ? undefined : cityFromAddress(address),
          phone: dto.phone?.trim(),
          fax: dto.fax?.trim(),
        },
        manager,
      );
      if (!updated) throw noPractice();
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: 'staff',
          action: 'staff.practice_update',
          outcome: 'success',
          details: { practiceId, fields: Object.keys(dto) },
        },
        manager,
      );
      return updated;
    });
  }

  async removeFromRoster(staff: AuthUser, practiceId: string, npi: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      if (!(await this.roster.removeFromRoster(manager, staff, practiceId, npi)))
        throw notFound('This NPI is not on the practice roster.');
    });
  }
}
