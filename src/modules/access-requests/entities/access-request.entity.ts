import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';

export const ACCESS_REQUEST_STATUSES = ['pending', 'approved', 'denied', 'expired', 'withdrawn'] as const;
export type AccessRequestStatus = (typeof ACCESS_REQUEST_STATUSES)[number];

/** How long the patient or guardian has to answer a non-PCP access request. */
export const ACCESS_REQUEST_TTL_DAYS = 30;

/**
 * A non-PCP provider's (or sponsored user's) request to see one patient, answered by the patient
 * or guardian through the patient portal. At most one pending request per requester and patient
 * (partial unique index `uq_access_requests_pending`, hand-written migration).
 */
@Entity('access_requests')
@Check('ck_access_requests_status', `status IN ('pending', 'approved', 'denied', 'expired', 'withdrawn')`)
@Check('ck_access_requests_decided', `(status = 'pending') = (decided_at IS NULL)`)
@Check('ck_access_requests_grant', `grant_id IS NULL OR status = 'approved'`)
@Index('idx_access_requests_requester_created', ['requesterId', 'createdAt'])
@Index('idx_access_requests_patient_created', ['patientId', 'createdAt'])
@Index('uq_access_requests_pending', { synchronize: false })
@Index('idx_access_requests_pending_expiry', { synchronize: false })
export class AccessRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  requesterId: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'requester_id', foreignKeyConstraintName: 'fk_access_requests_requester' })
  requester?: unknown;

  @Column({ type: 'uuid' })
  patientId: string;

  @ManyToOne('Patient', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'fk_access_requests_patient' })
  patient?: unknown;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'varchar', length: 10, default: 'pending' })
  status: AccessRequestStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  /** Who answered in the portal (the portal's own identifier or name of the account holder). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  decidedBy: string | null;

  /** The grant an approval created. */
  @Column({ type: 'uuid', nullable: true })
  grantId: string | null;
}
