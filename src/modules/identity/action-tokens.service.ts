import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { randomToken, sha256Hex } from '../../common/crypto/tokens.js';
import { Clock } from '../../common/time/clock.js';
import { ActionTokensRepository, type SpentActionToken } from './action-tokens.repository.js';
import type { ActionTokenPurpose } from './entities/action-token.entity.js';

export type { SpentActionToken } from './action-tokens.repository.js';

export const ACTION_TOKEN_TTL_MS: Record<ActionTokenPurpose, number> = {
  verify_email: 72 * 60 * 60 * 1000,
  activate: 14 * 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
  confirm_email: 24 * 60 * 60 * 1000,
  /** The owner's link in the lock email: lifts a sign-in lock (issue 18 item 5). */
  unlock: 24 * 60 * 60 * 1000,
};

/** Single-use emailed links: the raw token goes in the email, only its hash is kept. */
@Injectable()
export class ActionTokensService {
  constructor(
    private readonly clock: Clock,
    private readonly repository: ActionTokensRepository,
  ) {}

  /** Issues a new token for `purpose`; earlier unused tokens of that purpose stop working. */
  async issue(
    manager: EntityManager,
    userId: string,
    purpose: ActionTokenPurpose,
    payload: Record<string, unknown> | null = null,
  ): Promise<string> {
    const now = this.clock.now();
    await this.repository.voidUnused(userId, purpose, now, manager);
    const token = randomToken(32);
    await this.repository.insert(
      {
        userId,
        purpose,
        tokenHash: sha256Hex(token),
        payload,
        expiresAt: new Date(now.getTime() + ACTION_TOKEN_TTL_MS[purpose]),
        now,
      },
      manager,
    );
    return token;
  }

  /**
   * Spends a token: returns it when it exists, has this purpose, is unused and unexpired;
   * otherwise null. Spending is atomic, so a token works once even under concurrent use.
   */
  async consume(
    manager: EntityManager,
    token: string,
    purpose: ActionTokenPurpose,
  ): Promise<SpentActionToken | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return null;
    return (await this.repository.consume(sha256Hex(token), purpose, this.clock.now(), manager)) ?? null;
  }

  /** Voids every unused link of a user (deactivation). */
  async voidAll(manager: EntityManager, userId: string): Promise<number> {
    return this.repository.voidUnused(userId, null, this.clock.now(), manager);
  }
}
