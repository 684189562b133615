import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { affected, on, one, rows } from '../../database/sql.js';
import type { IntegrationSystem } from './entities/integration-client.entity.js';

interface ClientRow {
  id: string;
  system: IntegrationSystem;
  name: string;
  key_prefix: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface IntegrationClientView {
  id: string;
  system: IntegrationSystem;
  name: string;
  keyPrefix: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const COLUMNS = 'id, system, name, key_prefix, created_at, revoked_at, last_used_at';
const toView = (r: ClientRow): IntegrationClientView => ({
  id: r.id,
  system: r.system,
  name: r.name,
  keyPrefix: r.key_prefix,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

/** All SQL of `integration_clients`. */
@Injectable()
export class IntegrationClientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    client: { system: IntegrationSystem; name: string; keyHash: string; keyPrefix: string; now: Date },
    manager?: EntityManager,
  ): Promise<IntegrationClientView> {
    const [row] = await rows<ClientRow>(
      on(this.dataSource, manager),
      `INSERT INTO integration_clients (system, name, key_hash, key_prefix, created_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [client.system, client.name, client.keyHash, client.keyPrefix, client.now],
    );
    return toView(row);
  }

  /** The unrevoked client whose key has this hash (unique index: one lookup per integration request). */
  findActiveByKeyHash(
    keyHash: string,
    manager?: EntityManager,
  ): Promise<{ id: string; system: IntegrationSystem } | undefined> {
    return one(
      on(this.dataSource, manager),
      `SELECT id, system FROM integration_clients WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
  }

  /** `last_used_at = now` unless it was set within the last minute; true when written. */
  async touch(id: string, now: Date, manager?: EntityManager): Promise<boolean> {
    const n = await affected(
      on(this.dataSource, manager),
      `UPDATE integration_clients SET last_used_at = $2
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
      [id, now],
    );
    return n > 0;
  }

  async revoke(id: string, now: Date, manager?: EntityManager): Promise<IntegrationClientView | undefined> {
    const [row] = await rows<ClientRow>(
      on(this.dataSource, manager),
      `WITH revoked AS (
         UPDATE integration_clients SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING ${COLUMNS})
       SELECT ${COLUMNS} FROM revoked`,
      [id, now],
    );
    return row ? toView(row) : undefined;
  }

  async list(manager?: EntityManager): Promise<IntegrationClientView[]> {
    const found = await rows<ClientRow>(
      on(this.dataSource, manager),
      `SELECT ${COLUMNS} FROM integration_clients ORDER BY created_at, id`,
    );
    return found.map(toView);
  }
}
