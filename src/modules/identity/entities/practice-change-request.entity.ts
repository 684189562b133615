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
import { Practice } from './practice.entity.js';
import { User } from './user.entity.js';

/** A user's request to move to another practice; staff carry it out by hand. */
@Entity('practice_change_requests')
@Check('ck_practice_change_requests_status', `"status" IN ('open', 'completed', 'rejected')`)
export class PracticeChangeRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('idx_practice_change_requests_user_id')
  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_practice_change_requests_user' })
  user?: User;

  @Column({ type: 'uuid', nullable: true })
  oldPracticeId: string | null;

  @ManyToOne(() => Practice, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({
    name: 'old_practice_id',
    foreignKeyConstraintName: 'fk_practice_change_requests_old_practice',
  })
  oldPractice?: Practice | null;

  @Column({ type: 'varchar', length: 200 })
  newPracticeName: string;

  @Column({ type: 'text' })
  address: string;

  @Column({ type: 'varchar', length: 40 })
  phone: string;

  @Column({ type: 'varchar', length: 40 })
  fax: string;

  /** New email address, when it changes with the move. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'boolean' })
  wasSponsor: boolean;

  @Column({ type: 'varchar', length: 20, default: 'open' })
  status: string;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  /** The staff member who completed or rejected it. */
  @Column({ type: 'uuid', nullable: true })
  resolvedBy: string | null;

  /** The practice it was carried out to. */
  @Column({ type: 'uuid', nullable: true })
  newPracticeId: string | null;

  @ManyToOne(() => Practice, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({
    name: 'new_practice_id',
    foreignKeyConstraintName: 'fk_practice_change_requests_new_practice',
  })
  newPractice?: Practice | null;

  @Column({ type: 'text', nullable: true })
  rejectReason: string | null;

  @Index('idx_practice_change_requests_created_at')
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
