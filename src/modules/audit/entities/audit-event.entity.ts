import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only audit trail. Entries are sealed later with keyed links in `audit_seals` (docs/audit.md);
 * `prev_hash`/`hash` hold the legacy public chain of entries written before that and are NULL since.
 */
@Entity('audit_events')
@Index('idx_audit_events_patient_at', ['patientId', 'at'])
@Index('idx_audit_events_actor_at', ['actorId', 'at'])
/** The privacy officer's date-range search and export (keyset on `(at, id)`), migration PrivacyAlerts. */
@Index('idx_audit_events_at_id', ['at', 'id'])
export class AuditEvent {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  /** `provider`, `sponsored`, `staff`, `ehr`, `portal`, `system` or `anonymous`. */
  @Column({ type: 'varchar', length: 20 })
  actorKind: string;

  @Column({ type: 'varchar', length: 60 })
  action: string;

  @Column({ type: 'uuid', nullable: true })
  patientId: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  basis: string | null;

  /** `success`, `denied` or `failure`. */
  @Column({ type: 'varchar', length: 20 })
  outcome: string;

  @Column({ type: 'jsonb' })
  details: Record<string, unknown>;

  @Column({ type: 'char', length: 64, nullable: true })
  prevHash: string | null;

  @Column({ type: 'char', length: 64, nullable: true })
  hash: string | null;
}
