import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SponsorValidation } from './sponsor-validation.entity.js';

/** A reminder sent for a validation: 14, 7 or 1 days before it is due; once each (primary key). */
@Entity('sponsor_validation_reminders')
@Check('chk_sponsor_validation_reminders_days', `days_before IN (14, 7, 1)`)
export class SponsorValidationReminder {
  @PrimaryColumn({ type: 'uuid' })
  validationId: string;

  @PrimaryColumn({ type: 'smallint' })
  daysBefore: number;

  @ManyToOne(() => SponsorValidation, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'validation_id',
    foreignKeyConstraintName: 'fk_sponsor_validation_reminders_validation',
  })
  validation?: SponsorValidation;

  @Column({ type: 'timestamptz' })
  sentAt: Date;
}
