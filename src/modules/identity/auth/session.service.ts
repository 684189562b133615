import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config.js';
import { randomToken, sha256Hex } from '../../../common/crypto/tokens.js';
import { Clock } from '../../../common/time/clock.js';
import { SessionsRepository, type SessionRef } from '../sessions.repository.js';
import type { AccessTokenClaims } from './access-token.verifier.js';

export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 30 * 60 * 1000;

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

/** Opens sessions and signs their tokens: short-lived JWT access tokens, opaque refresh tokens. */
@Injectable()
export class SessionService {
  constructor(
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    private readonly repository: SessionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async open(
    manager: EntityManager,
    user: { id: string; kind: string },
    method: 'password_totp' | 'sso',
  ): Promise<IssuedTokens> {
    const now = this.clock.now();
    const session = await this.repository.insertSession(
      { userId: user.id, now, expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS), method },
      manager,
    );
    return this.issue(manager, session, user.kind);
  }

  /** Signs an access token and a fresh refresh token for an existing session. */
  async issue(manager: EntityManager, session: SessionRef, kind: string): Promise<IssuedTokens> {
    const now = this.clock.now();
    const refreshToken = randomToken(32);
    await this.repository.insertRefreshToken(session.id, sha256Hex(refreshToken), now, manager);
    const secondsLeft = Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000);
    const expiresIn = Math.max(1, Math.min(this.config.accessTokenTtlSeconds, secondsLeft));
    const claims: AccessTokenClaims = { sub: session.userId, sid: session.id, kind };
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: 'HS256',
      issuer: this.config.jwtIssuer,
      audience: this.config.jwtAudience,
      expiresIn,
      secret: this.config.jwtSecret,
    });
    return { accessToken, refreshToken, expiresIn };
  }

  /** Ends every open session of a user (password reset, email change, deactivation). */
  /** Ends every open session of the user (but `exceptSessionId`); the number ended. */
  async revokeAll(
    manager: EntityManager,
    userId: string,
    reason: string,
    exceptSessionId?: string,
  ): Promise<number> {
    return this.repository.revokeAllOfUser(
      userId,
      this.clock.now(),
      reason,
      exceptSessionId ?? null,
      manager,
    );
  }
}
