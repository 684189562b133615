import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export const PCP_UPDATE_STATUSES = ['open', 'in_progress', 'completed', 'rejected', 'withdrawn'] as const;
export type PcpUpdateStatus = (typeof PCP_UPDATE_STATUSES)[number];
/** Statuses of a request the team still has to work. */
export const ACTIVE_PCP_UPDATE_STATUSES: readonly PcpUpdateStatus[] = ['open', 'in_progress'];

export const CONFIRMATION_METHODS = ['phone', 'in_person', 'video', 'portal_message'] as const;
export type ConfirmationMethod = (typeof CONFIRMATION_METHODS)[number];

export const CONFIRMATION_RELATIONSHIPS = [
  'mother',
  'father',
  'parent',
  'legal_guardian',
  'foster_parent',
  'grandparent',
  'patient',
  'other',
] as const;
export type ConfirmationRelationship = (typeof CONFIRMATION_RELATIONSHIPS)[number];

/**
 * A request to make the requester's practice the patient's PCP practice: the MyPatients team's queue.
 * One open/in_progress request per requester and patient (partial unique index, hand-written migration).
 */
@Entity('pcp_update_requests')
// CHECKs are created by the hand-written migration PcpUpdatesConstraints (the drift check compares names).
@Check(
  'chk_pcp_update_requests_status',
  `status IN ('open', 'in_progress', 'completed', 'rejected', 'withdrawn')`,
)
@Check(
  'chk_pcp_update_requests_state',
  `(status <> 'in_progress' OR assignee_id IS NOT NULL) AND (status <> 'open' OR assignee_id IS NULL)
   AND (status <> 'completed' OR (confirmed_at IS NOT NULL AND applied_pcp_npi IS NOT NULL AND closed_at IS NOT NULL))
   AND (status <> 'rejected' OR (rejection_reason IS NOT NULL AND closed_at IS NOT NULL))
   AND (status <> 'withdrawn' OR closed_at IS NOT NULL)`,
)
@Check(
  'chk_pcp_update_requests_confirmation',
  `confirmation_method IS NULL OR confirmation_method IN ('phone', 'in_person', 'video', 'portal_message')`,
)
@Index('uq_pcp_update_requests_active', { synchronize: false })
@Index('idx_pcp_update_requests_status_due', ['status', 'dueAt'])
export class PcpUpdateRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('idx_pcp_update_requests_patient_id')
  @Column({ type: 'uuid' })
  patientId: string;

  // Relations to other modules' entities by name (no import of their classes): foreign keys only.
  @ManyToOne('Patient', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'fk_pcp_update_requests_patient' })
  patient?: unknown;

  @Index('idx_pcp_update_requests_requester_id')
  @Column({ type: 'uuid' })
  requesterId: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'requester_id', foreignKeyConstraintName: 'fk_pcp_update_requests_requester' })
  requester?: unknown;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'varchar', length: 20 })
  status: PcpUpdateStatus;

  @Index('idx_pcp_update_requests_assignee_id')
  @Column({ type: 'uuid', nullable: true })
  assigneeId: string | null;

  @ManyToOne('User', { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'assignee_id', foreignKeyConstraintName: 'fk_pcp_update_requests_assignee' })
  assignee?: unknown;

  /** Set from the injected Clock (not a database default) so deadlines are testable. */
  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;

  /** End of the third business day after the request, hospital time (BusinessCalendar). */
  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  claimedAt: Date | null;

  // The family's verbal confirmation (latest; every recording is also a history event).
  @Column({ type: 'varchar', length: 200, nullable: true })
  confirmedByName: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  confirmationRelationship: ConfirmationRelationship | null;

  /** The relationship in the team's words when `confirmationRelationship` is `other` (1–200 characters). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  confirmationRelationshipOther: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  confirmationMethod: ConfirmationMethod | null;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  confirmationRecordedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  confirmationRecordedAt: Date | null;

  /** When completed, rejected or withdrawn, and by whom. */
  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  closedBy: string | null;

  @Column({ type: 'text', nullable: true })
  rejectionReason: string | null;

  /** The NPI made the patient's PCP on completion (the requester's, or a sponsored requester's sponsor's). */
  @Column({ type: 'char', length: 10, nullable: true })
  appliedPcpNpi: string | null;

  /** The patient's PCP NPI before completion, kept for the record. */
  @Column({ type: 'char', length: 10, nullable: true })
  previousPcpNpi: string | null;
}
