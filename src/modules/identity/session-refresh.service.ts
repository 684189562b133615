import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sha256Hex } from '../../common/crypto/tokens.js';
import { unauthenticated } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { maySignIn } from './account-status.policy.js';
import { AuthThrottle } from './auth-throttle.service.js';
import { SESSION_IDLE_MS, SessionService, type IssuedTokens } from './auth/session.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { inTransaction } from '../../database/sql.js';

type RefreshOutcome =
  { error: 'unknown' | 'revoked' | 'reuse' | 'expired' | 'status' } | { tokens: IssuedTokens };

/** Rotation of refresh tokens and sign-out. */
@Injectable()
export class SessionRefreshService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly sessionsRepo: SessionsRepository,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly throttle: AuthThrottle,
  ) {}

  /** Rotates a refresh token; a spent one revokes its whole session. */
  async refresh(refreshToken: string, ip: string): Promise<IssuedTokens> {
    await this.throttle.ip(ip);
    const now = this.clock.now();
    const outcome = await inTransaction(this.dataSource, async (manager): Promise<RefreshOutcome> => {
      const row = await this.sessionsRepo.findRefreshForUpdate(sha256Hex(refreshToken), manager);
      if (!row) return { error: 'unknown' };
      if (row.revokedAt) return { error: 'revoked' };
      if (row.spentAt) {
        await this.sessionsRepo.revoke(row.sessionId, now, 'refresh_reuse', manager);
        await this.audit.record(
          {
            actorId: row.userId,
            actorKind: row.kind,
            action: 'auth.refresh_reuse',
            outcome: 'denied',
            details: { sessionId: row.sessionId },
          },
          manager,
        );
        return { error: 'reuse' };
      }
      const idle = row.lastActiveAt.getTime() + SESSION_IDLE_MS <= now.getTime();
      const expired = row.expiresAt <= now;
      if (idle || expired) {
        await this.sessionsRepo.revoke(row.sessionId, now, idle ? 'idle' : 'expired', manager);
        return { error: 'expired' };
      }
      if (!maySignIn(row, now)) return { error: 'status' };
      await this.sessionsRepo.rotate(row.tokenId, row.sessionId, now, manager);
      return {
        tokens: await this.sessions.issue(
          manager,
          { id: row.sessionId, userId: row.userId, expiresAt: row.expiresAt },
          row.kind,
        ),
      };
    });
    if ('error' in outcome) {
      throw unauthenticated(
        outcome.error === 'reuse'
          ? 'This refresh token was already used; the session has been ended. Sign in again.'
          : 'The session has ended. Sign in again.',
      );
    }
    return outcome.tokens;
  }

  async logout(userId: string, kind: string, sessionId: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      await this.sessionsRepo.revokeOpen(sessionId, this.clock.now(), 'logout', manager);
      await this.audit.record(
        {
          actorId: userId,
          actorKind: kind,
          action: 'auth.logout',
          outcome: 'success',
          details: { sessionId },
        },
        manager,
      );
    });
  }
}
