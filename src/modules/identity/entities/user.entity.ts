import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Practice } from './practice.entity.js';

// The account vocabulary is shared with the auth principal in src/common, so it lives there.
export {
  LOCK_REASONS,
  STAFF_ROLES,
  USER_KINDS,
  USER_STATUSES,
} from '../../../common/auth/account-vocabulary.js';
import type { LockReason, StaffRole, UserKind, UserStatus } from '../../../common/auth/account-vocabulary.js';
export type { LockReason, StaffRole, UserKind, UserStatus };

export const SPONSORED_ROLES = [
  'registered_nurse',
  'referral_coordinator',
  'social_worker',
  'office_manager',
  'other',
] as const;
export type SponsoredRole = (typeof SPONSORED_ROLES)[number];

@Entity('users')
@Check(
  'ck_users_roles',
  `"roles" <@ ARRAY['team', 'privacy', 'admin']::text[] AND ("kind" = 'staff' OR "roles" = '{}')`,
)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 20 })
  kind: UserKind;

  /** Stored lower-cased; unique across every account. */
  @Index('uq_users_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** argon2id; null for hospital-credentialed accounts (SSO only) and invited accounts. */
  @Column({ type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ type: 'varchar', length: 100 })
  firstName: string;

  @Column({ type: 'varchar', length: 100 })
  lastName: string;

  /** One account per NPI. */
  @Index('uq_users_npi', { unique: true })
  @Column({ type: 'char', length: 10, nullable: true })
  npi: string | null;

  @Index('idx_users_practice_id')
  @Column({ type: 'uuid', nullable: true })
  practiceId: string | null;

  @ManyToOne(() => Practice, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'practice_id', foreignKeyConstraintName: 'fk_users_practice' })
  practice?: Practice | null;

  /** For sponsored users: the provider who created and answers for the account. */
  @Index('idx_users_sponsor_id')
  @Column({ type: 'uuid', nullable: true })
  sponsorId: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'sponsor_id', foreignKeyConstraintName: 'fk_users_sponsor' })
  sponsor?: User | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  sponsoredRole: SponsoredRole | null;

  @Column({ type: 'boolean', default: false })
  isSponsor: boolean;

  /** CH ID of a hospital-credentialed provider (signs in through the hospital's OIDC provider). */
  @Index('uq_users_hospital_id', { unique: true })
  @Column({ type: 'varchar', length: 100, nullable: true })
  hospitalId: string | null;

  @Column({ type: 'varchar', length: 20 })
  status: UserStatus;

  @Column({ type: 'varchar', length: 30, nullable: true })
  lockReason: LockReason | null;

  /** End of a temporary (failed sign-ins) lock. */
  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'integer', default: 0 })
  failedLoginCount: number;

  /** Staff roles (empty for every other kind; CHECK `ck_users_roles`). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  roles: StaffRole[];

  /** The status a staff lock interrupted (`active` or `invited`), given back by the unlock. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  statusBefore: UserStatus | null;

  /** TOTP secret, encrypted at rest (AES-256-GCM). */
  @Column({ type: 'text', nullable: true })
  totpSecret: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  totpEnrolledAt: Date | null;

  /** Last accepted TOTP time step: each step is accepted once. */
  @Column({ type: 'bigint', nullable: true })
  totpLastStep: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  approvedBy: string | null;

  @Column({ type: 'text', nullable: true })
  rejectionReason: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
