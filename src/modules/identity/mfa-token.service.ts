import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { sha256Hex } from '../../common/crypto/tokens.js';
import { unauthenticated } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';

export const MFA_TOKEN_TTL_SECONDS = 5 * 60;

export interface MfaClaims {
  sub: string;
  purpose: 'mfa';
  /** Fingerprint of the password hash at sign-in: a password change voids pending MFA tokens. */
  pwf: string;
  jti: string;
  iat: number;
  exp: number;
}

/** The short-lived token between the password step and the TOTP step (its own audience). */
@Injectable()
export class MfaTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get audience(): string {
    return `${this.config.jwtAudience}:mfa`;
  }

  /** The fingerprint a pending MFA token carries of the password hash. */
  fingerprint(passwordHash: string | null): string {
    return sha256Hex(passwordHash ?? '').slice(0, 16);
  }

  sign(user: { id: string; passwordHash: string | null }): Promise<string> {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const claims: MfaClaims = {
      sub: user.id,
      purpose: 'mfa',
      pwf: this.fingerprint(user.passwordHash),
      jti: randomUUID(),
      iat,
      exp: iat + MFA_TOKEN_TTL_SECONDS,
    };
    return this.jwt.signAsync(claims, {
      algorithm: 'HS256',
      issuer: this.config.jwtIssuer,
      audience: this.audience,
      secret: this.config.jwtSecret,
    });
  }

  async read(token: string): Promise<MfaClaims> {
    try {
      const claims = await this.jwt.verifyAsync<MfaClaims>(token, {
        algorithms: ['HS256'],
        issuer: this.config.jwtIssuer,
        audience: this.audience,
        secret: this.config.jwtSecret,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
      if (claims.purpose !== 'mfa' || typeof claims.sub !== 'string') throw new Error('not an MFA token');
      return claims;
    } catch {
      throw unauthenticated('The sign-in has expired. Sign in again.', 'invalid_code');
    }
  }
}
