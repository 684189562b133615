import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { affected, on, returning, rows } from '../../database/sql.js';
import type { ActionTokenPurpose } from './entities/action-token.entity.js';

/** A spent single-use link. */
export interface SpentActionToken {
  id: string;
  userId: string;
  purpose: ActionTokenPurpose;
  payload: Record<string, unknown> | null;
  expiresAt: Date;
  usedAt: Date;
  createdAt: Date;
}

/** All SQL of `action_tokens`. */
@Injectable()
export class ActionTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Voids the user's unused tokens (of `purpose`, or of every purpose); the number voided. */
  async voidUnused(
    userId: string,
    purpose: ActionTokenPurpose | null,
    now: Date,
    manager?: EntityManager,
  ): Promise<number> {
    return affected(
      on(this.dataSource, manager),
      'UPDATE action_tokens SET used_at = $3 WHERE user_id = $1 AND used_at IS NULL AND ($2::varchar IS NULL OR purpose = $2)',
      [userId, purpose, now],
    );
  }

  async insert(
    token: {
      userId: string;
      purpose: ActionTokenPurpose;
      tokenHash: string;
      payload: Record<string, unknown> | null;
      expiresAt: Date;
      now: Date;
    },
    manager?: EntityManager,
  ): Promise<void> {
    await rows(
      on(this.dataSource, manager),
      `INSERT INTO action_tokens (user_id, purpose, token_hash, payload, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        token.userId,
        token.purpose,
        token.tokenHash,
        token.payload === null ? null : JSON.stringify(token.payload),
        token.expiresAt,
        token.now,
      ],
    );
  }

  /** Spends the token atomically (works once even under concurrent use); undefined when unknown, used, expired or of another purpose. */
  async consume(
    tokenHash: string,
    purpose: ActionTokenPurpose,
    now: Date,
    manager?: EntityManager,
  ): Promise<SpentActionToken | undefined> {
    const [row] = await returning<{
      id: string;
      user_id: string;
      purpose: ActionTokenPurpose;
      payload: Record<string, unknown> | null;
      expires_at: Date;
      used_at: Date;
      created_at: Date;
    }>(
      on(this.dataSource, manager),
      `UPDATE action_tokens SET used_at = $3
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
        RETURNING id, user_id, purpose, payload, expires_at, used_at, created_at`,
      [tokenHash, purpose, now],
    );
    if (!row) return undefined;
    return {
      id: row.id,
      userId: row.user_id,
      purpose: row.purpose,
      payload: row.payload,
      expiresAt: row.expires_at,
      usedAt: row.used_at,
      createdAt: row.created_at,
    };
  }
}
