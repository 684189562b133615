import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound, ValidationProblem } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { isValidNpi } from '../../common/validation/npi.js';
import { isUuid } from '../../common/validation/uuid.js';
import { AuditService } from '../audit/index.js';
import { PracticeRosterLink, type PracticeRoster } from '../identity/index.js';
import { PracticeRosterRepository } from './practice-roster.repository.js';
import { inTransaction } from '../../database/sql.js';

/** Staff extend a practice's physicians with NPIs (SPEC §3: provider members ∪ roster). */
@Injectable()
export class PracticeRosterService implements PracticeRoster, OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly roster: PracticeRosterRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly link: PracticeRosterLink,
  ) {}

  /** Identity's staff practice page shows and edits the roster through its port. */
  onModuleInit(): void {
    this.link.bind(this);
  }

  /** Takes an NPI off the roster in the caller's transaction (identity's `DELETE /staff/practices/:id/roster/:npi`). */
  async removeFromRoster(
    manager: EntityManager,
    staff: { id: string; kind: string },
    practiceId: string,
    npi: string,
  ): Promise<boolean> {
    if (!isUuid(practiceId)) return false;
    const removed = await this.roster.remove(practiceId, npi, manager);
    if (removed) {
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: staff.kind,
          action: 'staff.roster_remove',
          outcome: 'success',
          details: { practiceId, npi },
        },
        manager,
      );
    }
    return removed;
  }

  async add(
    staff: AuthUser,
    practiceId: string,
    npi: unknown,
  ): Promise<{ practiceId: string; npi: string; added: boolean }> {
    if (!isValidNpi(npi)) {
      throw new ValidationProblem([
        { field: 'npi', message: 'npi must be a valid NPI (10 digits with a correct check digit)' },
      ]);
    }
    if (!isUuid(practiceId)) throw notFound('No such practice.');
    return inTransaction(this.dataSource, async (manager) => {
      const outcome = await this.roster.add(practiceId, npi, staff.id, this.clock.now(), manager);
      if (outcome === 'no_practice') throw notFound('No such practice.');
      const added = outcome === 'added';
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: staff.kind,
          action: 'staff.roster_add',
          outcome: 'success',
          details: { practiceId, npi, added },
        },
        manager,
      );
      return { practiceId, npi, added };
    });
  }

  /** The NPIs staff added to the practice's roster (its provider members are identity's), in order. */
  rosterNpis(practiceId: string, manager?: EntityManager): Promise<string[]> {
    return isUuid(practiceId) ? this.roster.npis(practiceId, manager) : Promise.resolve([]);
  }
}
