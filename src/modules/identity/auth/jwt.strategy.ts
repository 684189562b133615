import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config.js';
import type { AuthUser } from '../../../common/auth/principal.js';
import { unauthenticated } from '../../../common/errors/problem.js';
import { Clock } from '../../../common/time/clock.js';
import { SessionsRepository } from '../sessions.repository.js';

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  kind: string;
}

/**
 * Verifies the bearer JWT (HS256 pinned, issuer and audience checked), then loads the user and
 * their session in one prepared statement (SessionsRepository.findPrincipal) so a revoked session or a changed status takes effect at once.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse it
      // as a PEM public key on every verification, which costs ~1.5 ms of CPU per request (BENCHMARKS.md).
      // jsonwebtoken 9 takes a KeyObject; @types/passport-jwt only lists string | Buffer.
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessTokenClaims): Promise<AuthUser> {
    if (typeof claims?.sub !== 'string' || typeof claims?.sid !== 'string') throw unauthenticated();
    const now = this.clock.now();
    // Status comes back effective (an expired failed-sign-in lock counts as lifted): account-status.policy.ts.
    const row = await this.sessions.findPrincipal(claims.sid, claims.sub, now);
    if (!row || row.revoked_at || row.expires_at <= now) throw unauthenticated();
    return {
      id: row.id,
      sessionId: claims.sid,
      kind: row.kind,
      status: row.status,
      lockReason: row.lock_reason,
      email: row.email,
      firstName: row.first_name,
      lastName: row.last_name,
      npi: row.npi,
      practiceId: row.practice_id,
      sponsorId: row.sponsor_id,
      isSponsor: row.is_sponsor,
      hospitalId: row.hospital_id,
      roles: row.roles ?? [],
    };
  }
}
