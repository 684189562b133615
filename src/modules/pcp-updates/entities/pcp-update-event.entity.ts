import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PcpUpdateRequest } from './pcp-update-request.entity.js';

export const PCP_UPDATE_EVENT_TYPES = [
  'created',
  'claimed',
  'released',
  'confirmation_recorded',
  'completed',
  'rejected',
  'withdrawn',
] as const;
export type PcpUpdateEventType = (typeof PCP_UPDATE_EVENT_TYPES)[number];

/** History of a PCP-update request: one row per transition or recorded fact, never updated. */
@Entity('pcp_update_events')
@Index('idx_pcp_update_events_request_at', ['requestId', 'at'])
export class PcpUpdateEvent {
  /** Increasing: orders events that share a clock instant. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  requestId: string;

  @ManyToOne(() => PcpUpdateRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_pcp_update_events_request' })
  request?: PcpUpdateRequest;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 30 })
  type: PcpUpdateEventType;

  @Column({ type: 'varchar', length: 20, nullable: true })
  fromStatus: string | null;

  @Column({ type: 'varchar', length: 20 })
  toStatus: string;

  @Column({ type: 'jsonb' })
  details: Record<string, unknown>;
}
