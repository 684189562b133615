import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * A practice's roster (NPIs staff added to its physicians) belongs to patient-access, which
 * depends on identity, so identity cannot call it: patient-access implements this port and binds
 * itself with `PracticeRosterLink.bind` in `onModuleInit`.
 */
export interface PracticeRoster {
  /** The practice's roster NPIs, in order. */
  rosterNpis(practiceId: string, manager?: EntityManager): Promise<string[]>;
  /** Takes the NPI off the roster (audited by the owner); false when it was not on it. */
  removeFromRoster(
    manager: EntityManager,
    staff: { id: string; kind: string },
    practiceId: string,
    npi: string,
  ): Promise<boolean>;
}

/** The bound `PracticeRoster` (none until patient-access binds it: then an empty roster, and removal finds nothing). */
@Injectable()
export class PracticeRosterLink implements PracticeRoster {
  private roster?: PracticeRoster;

  bind(roster: PracticeRoster): void {
    this.roster = roster;
  }

  rosterNpis(practiceId: string, manager?: EntityManager): Promise<string[]> {
    return this.roster ? this.roster.rosterNpis(practiceId, manager) : Promise.resolve([]);
  }

  removeFromRoster(
    manager: EntityManager,
    staff: { id: string; kind: string },
    practiceId: string,
    npi: string,
  ): Promise<boolean> {
    return this.roster
      ? this.roster.removeFromRoster(manager, staff, practiceId, npi)
      : Promise.resolve(false);
  }
}
