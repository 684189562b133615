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
import { Patient } from './patient.entity.js';

export const GRANT_BASES = ['approved_request', 'token'] as const;
export type GrantBasis = (typeof GRANT_BASES)[number];

/** A personal grant of one user to one patient (approved non-PCP request or validated token). */
@Check('ck_access_grants_basis', `"basis" IN ('approved_request', 'token')`)
@Entity('access_grants')
@Index('idx_access_grants_user_patient', ['userId', 'patientId'])
/** At most one active grant per user, patient and basis (partial; hand-written migration). */
@Index('uq_access_grants_active', { synchronize: false })
/** Grants not yet ended, by expiry: the expiry job's scan (partial; hand-written migration). */
@Index('idx_access_grants_open_expiry', { synchronize: false })
export class AccessGrant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_access_grants_user' })
  user?: unknown;

  @Index('idx_access_grants_patient_id')
  @Column({ type: 'uuid' })
  patientId: string;

  @ManyToOne(() => Patient, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'fk_access_grants_patient' })
  patient?: Patient;

  @Column({ type: 'varchar', length: 20 })
  basis: GrantBasis;

  /** The access request or invitation the grant came from. */
  @Column({ type: 'uuid', nullable: true })
  sourceId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /**
   * First instant the grant no longer applies (hospital midnight after its last day): ACCESS_GRANT_MONTHS
   * after it was made or last renewed. The decision ignores a grant from then on; the expiry job
   * then ends it (`revoked_at = expires_at`, `revoked_by` NULL).
   */
  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  /** When it ended: revoked (by staff or the guardian), or expired (then equal to `expires_at`). */
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  revokedBy: string | null;
}
