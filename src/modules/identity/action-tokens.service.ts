import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { randomToken, sha256Hex } from '../../common/crypto/tokens.js';
import { Clock } from '../../common/time/clock.js';
import { ActionToken, type ActionTokenPurpose } from './entities/action-token.entity.js';

export const ACTION_TOKEN_TTL_MS: Record<ActionTokenPurpose, number> = {
  verify_email: 72 * 60 * 60 * 1000,
  activate: 14 * 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
  confirm_email: 24 * 60 * 60 * 1000,
};

/** Single-use emailed links: the raw token goes in the email, only its hash is kept. */
@Injectable()
export class ActionTokensService {
  constructor(private readonly clock: Clock) {}

  /** Issues a new token for `purpose`; earlier unused tokens of that purpose stop working. */
  async issue(
    manager: EntityManager,
    userId: string,
    purpose: ActionTokenPurpose,
    payload: Record<string, unknown> | null = null,
  ): Promise<string> {
    const now = this.clock.now();
    const repo = manager.getRepository(ActionToken);
    await repo.update({ userId, purpose, usedAt: IsNull() }, { usedAt: now });
    const token = randomToken(32);
    await repo.insert({
      userId,
      purpose,
      tokenHash: sha256Hex(token),
      payload: payload as never,
      expiresAt: new Date(now.getTime() + ACTION_TOKEN_TTL_MS[purpose]),
      createdAt: now,
    });
    return token;
  }

  /**
   * Spends a token: returns it when it exists, has this purpose, is unused and unexpired;
   * otherwise null. Spending is atomic, so a token works once even under concurrent use.
   */
  async consume(manager: EntityManager, token: string, purpose: ActionTokenPurpose): Promise<ActionToken | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return null;
    const now = this.clock.now();
    const rows: ActionToken[] = await manager
      .getRepository(ActionToken)
      .createQueryBuilder()
      .update()
      .set({ usedAt: now })
      .where('token_hash = :hash AND purpose = :purpose AND used_at IS NULL AND expires_at > :now', {
        hash: sha256Hex(token),
        purpose,
        now,
      })
      .returning('*')
      .execute()
      .then((r) => r.raw as ActionToken[]);
    const row = rows[0] as unknown as Record<string, unknown> | undefined;
    if (!row) return null;
    return {
      id: row.id,
      userId: row.user_id,
      purpose: row.purpose,
      tokenHash: row.token_hash,
      payload: row.payload,
      expiresAt: row.expires_at,
      usedAt: row.used_at,
      createdAt: row.created_at,
    } as ActionToken;
  }
}
