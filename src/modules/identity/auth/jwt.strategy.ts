import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config.js';
import type { AuthUser } from '../../../common/auth/principal.js';
import { unauthenticated } from '../../../common/errors/problem.js';
import { Clock } from '../../../common/time/clock.js';

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  kind: string;
}

/**
 * Verifies the bearer JWT (HS256 pinned, issuer and audience checked), then loads the user and
 * their session in one query so a revoked session or a changed status takes effect at once.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly dataSource: DataSource,
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
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      // A failed-sign-in lock whose time is up counts as lifted (it ends by itself).
      `SELECT u.id, u.kind,
              CASE WHEN u.status = 'locked' AND u.lock_reason = 'failed_logins' AND u.locked_until <= $3 THEN 'active' ELSE u.status END AS status,
              CASE WHEN u.status = 'locked' AND u.lock_reason = 'failed_logins' AND u.locked_until <= $3 THEN NULL ELSE u.lock_reason END AS lock_reason,
              u.email, u.first_name, u.last_name, u.npi,
              u.practice_id, u.sponsor_id, u.is_sponsor, u.hospital_id, s.revoked_at, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1::uuid AND u.id = $2::uuid`,
      [claims.sid, claims.sub, this.clock.now()],
    ).catch(() => []);
    const row = rows[0];
    if (!row || row.revoked_at || (row.expires_at as Date) <= this.clock.now()) throw unauthenticated();
    return {
      id: row.id as string,
      sessionId: claims.sid,
      kind: row.kind as AuthUser['kind'],
      status: row.status as AuthUser['status'],
      lockReason: row.lock_reason as AuthUser['lockReason'],
      email: row.email as string,
      firstName: row.first_name as string,
      lastName: row.last_name as string,
      npi: row.npi as string | null,
      practiceId: row.practice_id as string | null,
      sponsorId: row.sponsor_id as string | null,
      isSponsor: row.is_sponsor as boolean,
      hospitalId: row.hospital_id as string | null,
    };
  }
}
