import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound, ValidationProblem } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { isUuid } from '../../common/validation/uuid.js';
import { isValidNpi } from '../../common/validation/npi.js';

/** Staff extend a practice's physicians with NPIs (SPEC §3: provider members ∪ roster). */
@Injectable()
export class PracticeRosterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async add(
    staff: AuthUser,
    practiceId: string,
    npi: unknown,
  ): Promise<{ practiceId: string; npi: string; added: boolean }> {
    if (!isValidNpi(npi))
      throw new ValidationProblem([
        { field: 'npi', message: 'npi must be a valid NPI (10 digits with a correct check digit)' },
      ]);
    if (!isUuid(practiceId)) throw notFound('No such practice.');
    return this.dataSource.transaction(async (manager) => {
      const [practice] = await manager.query(`SELECT id FROM practices WHERE id = $1`, [practiceId]);
      if (!practice) throw notFound('No such practice.');
      const inserted: unknown[] = await manager.query(
        `INSERT INTO practice_roster (practice_id, npi, added_by, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (practice_id, npi) DO NOTHING RETURNING npi`,
        [practiceId, npi, staff.id, this.clock.now()],
      );
      await this.audit.record(
        {
          actorId: staff.id,
          actorKind: staff.kind,
          action: 'staff.roster_add',
          outcome: 'success',
          details: { practiceId, npi, added: inserted.length > 0 },
        },
        manager,
      );
      return { practiceId, npi, added: inserted.length > 0 };
    });
  }
}
