import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const INTEGRATION_SYSTEMS = ['ehr', 'portal'] as const;
export type IntegrationSystem = (typeof INTEGRATION_SYSTEMS)[number];

/**
 * A system allowed to call `/integration/<system>/*` with its own API key: several per system
 * (rotation: create the new one, switch, revoke the old), stored only as the key's SHA-256.
 */
@Entity('integration_clients')
@Check('chk_integration_clients_system', `"system" IN ('ehr', 'portal')`)
export class IntegrationClient {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 10 })
  system: IntegrationSystem;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** SHA-256 (hex) of the key; the key itself is shown once, at creation. */
  @Index('uq_integration_clients_key_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  keyHash: string;

  /** The key's first characters (`mpk_ehr_Ab12`), to recognise it in a list; not enough to use it. */
  @Column({ type: 'varchar', length: 16 })
  keyPrefix: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** Updated at most once a minute per key (no write per request). */
  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
