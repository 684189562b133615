import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One semiannual review a sponsor owes: opened on April 1 / October 1 (`period` YYYY-04 / YYYY-10),
 * due 30 days later. Unique per (sponsor, period), and at most one open (uncompleted) per sponsor
 * (partial unique index, hand-written migration).
 */
@Entity('sponsor_validations')
@Check('chk_sponsor_validations_period', `period ~ '^[0-9]{4}-(04|10)$'`)
@Index('uq_sponsor_validations_sponsor_period', ['sponsorId', 'period'], { unique: true })
@Index('uq_sponsor_validations_open_sponsor', { synchronize: false })
@Index('idx_sponsor_validations_open_due', { synchronize: false })
export class SponsorValidation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  sponsorId: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sponsor_id', foreignKeyConstraintName: 'fk_sponsor_validations_sponsor' })
  sponsor?: unknown;

  /** `YYYY-04` or `YYYY-10`. */
  @Column({ type: 'varchar', length: 7 })
  period: string;

  @Column({ type: 'timestamptz' })
  openedAt: Date;

  /** Hospital calendar date on which the validation becomes overdue. */
  @Column({ type: 'date' })
  dueDate: string;

  /** Hospital midnight at the start of `dueDate`. */
  @Column({ type: 'timestamptz' })
  dueAt: Date;

  /** When the enforce job locked the sponsor and their users for this validation. */
  @Column({ type: 'timestamptz', nullable: true })
  enforcedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  completedBy: string | null;
}
