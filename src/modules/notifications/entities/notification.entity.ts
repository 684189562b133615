import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const NOTIFICATION_STATUSES = ['pending', 'queued', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** The outbox: one row per email, written in the transaction of the change that caused it. */
@Entity('notifications')
@Index('idx_notifications_status_created', ['status', 'createdAt'])
/** The staff list: newest first, keyset pagination on (created_at, id). */
@Index('idx_notifications_created_id', ['createdAt', 'id'])
@Check('chk_notifications_status', `"status" IN ('pending', 'queued', 'sent', 'failed')`)
@Check('chk_notifications_attempts', `"attempts" >= 0`)
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 80 })
  template: string;

  @Column({ type: 'varchar', length: 254 })
  recipient: string;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Index('uq_notifications_idempotency_key', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  idempotencyKey: string;

  @Column({ type: 'varchar', length: 10, default: 'pending' })
  status: NotificationStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  queuedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  failedAt: Date | null;
}
