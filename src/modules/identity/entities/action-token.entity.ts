import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from './user.entity.js';

export const ACTION_TOKEN_PURPOSES = [
  'verify_email',
  'activate',
  'reset_password',
  'confirm_email',
  'unlock',
] as const;
export type ActionTokenPurpose = (typeof ACTION_TOKEN_PURPOSES)[number];

/** Single-use emailed links (verify email, activate, reset password, confirm new email). */
@Entity('action_tokens')
export class ActionToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('idx_action_tokens_user_id')
  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_action_tokens_user' })
  user?: User;

  @Column({ type: 'varchar', length: 20 })
  purpose: ActionTokenPurpose;

  @Index('uq_action_tokens_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash: string;

  /** Purpose-specific data, e.g. the new address of an email change. */
  @Column({ type: 'jsonb', nullable: true })
  payload: Record<string, unknown> | null;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
