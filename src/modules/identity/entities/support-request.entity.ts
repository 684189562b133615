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
import { User } from './user.entity.js';

/** A problem report sent to the MyPatients team; answered within 2 business days (`dueAt`). */
@Entity('support_requests')
@Check('ck_support_requests_status', `"status" IN ('open', 'answered', 'closed')`)
export class SupportRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Null for a request sent signed out. */
  @Index('idx_support_requests_user_id')
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_support_requests_user' })
  user?: User;

  /** Login email and name at the time of the report. */
  @Column({ type: 'varchar', length: 254 })
  loginEmail: string;

  @Column({ type: 'varchar', length: 201 })
  name: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'bytea', nullable: true })
  screenshot: Buffer | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  screenshotType: string | null;

  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @Column({ type: 'varchar', length: 20, default: 'open' })
  status: string;

  /** The conversation: `[{at, from: 'team'|'requester', message, staffId?}]`, appended to. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  replies: unknown[];

  @Column({ type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Index('idx_support_requests_created_at')
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
