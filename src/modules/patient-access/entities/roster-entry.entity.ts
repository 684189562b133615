import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';

/** A physician NPI that staff added to a practice's roster (besides its provider members). */
@Check('ck_practice_roster_npi', `"npi" ~ '^[0-9]{10}$'`)
@Entity('practice_roster')
export class RosterEntry {
  @PrimaryColumn({ type: 'uuid' })
  practiceId: string;

  @Index('idx_practice_roster_npi')
  @PrimaryColumn({ type: 'char', length: 10 })
  npi: string;

  @ManyToOne('Practice', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'practice_id', foreignKeyConstraintName: 'fk_practice_roster_practice' })
  practice?: unknown;

  @Column({ type: 'uuid', nullable: true })
  addedBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
