import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/time/clock.js';

export interface AuditEntry {
  actorId: string | null;
  /** `provider`, `sponsored`, `staff`, `ehr`, `portal`, `system` or `anonymous`. */
  actorKind: string;
  /** What happened, e.g. `patient.view`, `patient.search`, `auth.login`, `staff.approve`. */
  action: string;
  patientId?: string | null;
  basis?: string | null;
  outcome: 'success' | 'denied' | 'failure';
  details?: Record<string, unknown>;
}

/**
 * Writes the append-only audit trail. The hash chain (`prev_hash`, `hash`) is computed by a
 * database trigger, so every writer (app, scripts) chains the same way.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Records in the given transaction, or on its own when no manager is passed. */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO audit_events (at, actor_id, actor_kind, action, patient_id, basis, outcome, details, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, '')`,
      [
        this.clock.now(),
        entry.actorId,
        entry.actorKind,
        entry.action,
        entry.patientId ?? null,
        entry.basis ?? null,
        entry.outcome,
        JSON.stringify(entry.details ?? {}),
      ],
    );
  }
}
