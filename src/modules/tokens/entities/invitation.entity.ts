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

export const INVITATION_ISSUERS = ['staff', 'portal'] as const;
export type InvitationIssuer = (typeof INVITATION_ISSUERS)[number];

/**
 * An invitation to one patient: the token itself went to the recipient's email and exists
 * nowhere else; only its SHA-256 is kept. Single use: `used_at` is set exactly once.
 */
@Entity('invitations')
@Check('ck_invitations_issuer', `issued_by_kind IN ('staff', 'portal')`)
@Check('ck_invitations_used', `used_by IS NULL OR used_at IS NOT NULL`)
@Check('ck_invitations_cancelled', `"cancelled_at" IS NULL OR "used_at" IS NULL`)
export class Invitation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('idx_invitations_patient_id')
  @Column({ type: 'uuid' })
  patientId: string;

  @ManyToOne('Patient', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'fk_invitations_patient' })
  patient?: unknown;

  @Index('uq_invitations_token_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash: string;

  @Column({ type: 'varchar', length: 254 })
  recipientEmail: string;

  /** `staff` (POST /staff/invitations) or `portal` (the patient portal). */
  @Column({ type: 'varchar', length: 10 })
  issuedByKind: InvitationIssuer;

  /** The staff member who issued it; null for the portal. */
  @Column({ type: 'uuid', nullable: true })
  issuedBy: string | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'issued_by', foreignKeyConstraintName: 'fk_invitations_issued_by' })
  issuer?: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** First instant at which the token no longer works (hospital midnight after the last valid day). */
  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  usedBy: string | null;

  /** Cancelled by the guardian (portal) or staff before it was used: it no longer works. */
  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @ManyToOne('User', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'used_by', foreignKeyConstraintName: 'fk_invitations_used_by' })
  user?: unknown;
}
