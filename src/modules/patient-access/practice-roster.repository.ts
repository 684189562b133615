import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { on, returning, rows } from '../../database/sql.js';

/** PostgreSQL's foreign-key violation. */
const FOREIGN_KEY_VIOLATION = '23503';

function violatesForeignKey(error: unknown, constraint: string): boolean {
  const e = error as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  } | null;
  const db = e?.driverError ?? e;
  return db?.code === FOREIGN_KEY_VIOLATION && db.constraint === constraint;
}

/** NPIs staff added to a practice's physicians (table `practice_roster`). */
@Injectable()
export class PracticeRosterRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Adds the NPI to the practice's roster: `added` (new), `present` (already there) or
   * `no_practice` (no such practice: the foreign key says so, so this module never reads identity's
   * practices table). After `no_practice` the caller's transaction is aborted and must roll back.
   */
  async add(
    practiceId: string,
    npi: string,
    addedBy: string | null,
    now: Date,
    manager?: EntityManager,
  ): Promise<'added' | 'present' | 'no_practice'> {
    try {
      const inserted = await rows<{ npi: string }>(
        on(this.dataSource, manager),
        `INSERT INTO practice_roster (practice_id, npi, added_by, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (practice_id, npi) DO NOTHING RETURNING npi`,
        [practiceId, npi, addedBy, now],
      );
      return inserted.length ? 'added' : 'present';
    } catch (error) {
      if (violatesForeignKey(error, 'fk_practice_roster_practice')) return 'no_practice';
      throw error;
    }
  }

  /** Takes the NPI off the practice's roster; false when it was not on it. */
  async remove(practiceId: string, npi: string, manager?: EntityManager): Promise<boolean> {
    const removed = await returning<{ npi: string }>(
      on(this.dataSource, manager),
      `DELETE FROM practice_roster WHERE practice_id = $1 AND npi = $2 RETURNING npi`,
      [practiceId, npi],
    );
    return removed.length > 0;
  }

  /** The practice's roster NPIs, in order. */
  async npis(practiceId: string, manager?: EntityManager): Promise<string[]> {
    const list = await rows<{ npi: string }>(
      on(this.dataSource, manager),
      `SELECT npi FROM practice_roster WHERE practice_id = $1 ORDER BY npi`,
      [practiceId],
    );
    return list.map((r) => r.npi);
  }
}
