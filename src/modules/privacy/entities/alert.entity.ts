import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export const ALERT_KINDS = ['unusual_search', 'self_granted'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_STATUSES = ['open', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * A privacy alert for the privacy officer (API.md v1.1 "Privacy"): raised by a rule about one
 * account, open until resolved. `dedupe_key` says what "the same alert" is (`unusual_search:<user>`,
 * `self_granted:<staff>:<email>`): at most one open alert per key (partial unique index
 * `uq_alerts_open_dedupe`, hand-written in migration PrivacyAlerts).
 */
@Entity('alerts')
@Check('ck_alerts_kind', `"kind" IN ('unusual_search', 'self_granted')`)
@Check('ck_alerts_status', `"status" IN ('open', 'resolved')`)
@Check('ck_alerts_resolved', `("status" = 'resolved') = ("resolved_at" IS NOT NULL)`)
@Index('idx_alerts_status_at', ['status', 'at', 'id'])
@Index('idx_alerts_at', ['at', 'id'])
@Index('uq_alerts_open_dedupe', { synchronize: false })
export class Alert {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 30 })
  kind: AlertKind;

  /** The account the alert is about (the searching account; the staff member). */
  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_alerts_user' })
  user?: unknown;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** One line for the console and the team's email: never patient data. */
  @Column({ type: 'text' })
  summary: string;

  /** What the rule saw (counts, ids of audit entries), never patient data. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  details: Record<string, unknown>;

  @Column({ type: 'varchar', length: 300 })
  dedupeKey: string;

  @Column({ type: 'varchar', length: 20, default: 'open' })
  status: AlertStatus;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  resolvedBy: string | null;

  @Column({ type: 'text', nullable: true })
  resolutionNote: string | null;
}
