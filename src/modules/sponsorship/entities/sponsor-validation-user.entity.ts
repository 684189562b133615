import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SponsorValidation } from './sponsor-validation.entity.js';

/** A sponsored user listed on a validation (snapshot at opening) and the sponsor's decision. */
@Entity('sponsor_validation_users')
export class SponsorValidationUser {
  @PrimaryColumn({ type: 'uuid' })
  validationId: string;

  @Index('idx_sponsor_validation_users_user_id')
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => SponsorValidation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'validation_id', foreignKeyConstraintName: 'fk_sponsor_validation_users_validation' })
  validation?: SponsorValidation;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_sponsor_validation_users_user' })
  user?: unknown;

  /** null until the validation is completed. */
  @Column({ type: 'boolean', nullable: true })
  keep: boolean | null;
}
