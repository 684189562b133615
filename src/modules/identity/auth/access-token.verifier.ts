import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
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

/** Verified tokens remembered (a client sends the same token with every request until it refreshes). */
export const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Signature checks already done, by token: the same string always verifies the same way, so only
 * its expiry needs checking again. Bounded; the oldest entry goes first. The session itself is still
 * read on every request (revocation and status changes apply at once): only the HMAC and JSON
 * parsing are saved, ~4% of a request's CPU under load (BENCHMARKS.md).
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { claims: AccessTokenClaims; expiresAtMs: number }>();

  constructor(private readonly capacity = VERIFIED_TOKENS_KEPT) {}

  get(token: string, nowMs: number): AccessTokenClaims | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (hit.expiresAtMs <= nowMs) {
      this.entries.delete(token);
      return undefined;
    }
    return hit.claims;
  }

  remember(token: string, claims: AccessTokenClaims, expiresAtMs: number): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { claims, expiresAtMs });
  }

  get size(): number {
    return this.entries.size;
  }
}

/** `Authorization: Bearer <token>` (scheme case-insensitive, as RFC 6750 allows); `undefined` otherwise. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Whether a bearer token is ours: HS256 pinned, our issuer and audience, unexpired, with a subject
 * and a session. The one definition of that check: the guard (through AccessTokenVerifier, which then
 * loads the session) and the body parser (which only decides how much body to read) both use it.
 * No database: a revoked session still passes here, and only the guard refuses it.
 */
export class AccessTokenSignature {
  // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse it as
  // a PEM public key on every verification, ~1.5 ms of CPU per request (BENCHMARKS.md).
  private readonly key: KeyObject;
  private readonly verified = new VerifiedTokens();
  private readonly jwt = new JwtService();

  constructor(private readonly config: Pick<AppConfig, 'jwtSecret' | 'jwtIssuer' | 'jwtAudience'>) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  /** The claims of an `Authorization` header's bearer token when it is ours and unexpired; `undefined` otherwise. */
  ofHeader(authorization: string | undefined): AccessTokenClaims | undefined {
    const token = bearerToken(authorization);
    return token ? this.check(token) : undefined;
  }

  /** The token's claims when it is ours and unexpired; `undefined` otherwise. */
  check(token: string): AccessTokenClaims | undefined {
    // jsonwebtoken checks `exp` against the wall clock, so the remembered expiry is checked the same way.
    const nowMs = Date.now();
    const known = this.verified.get(token, nowMs);
    if (known) return known;
    let claims: Partial<AccessTokenClaims> & { exp?: number };
    try {
      claims = this.jwt.verify<AccessTokenClaims & { exp?: number }>(token, {
        // jsonwebtoken 9 takes a KeyObject; @nestjs/jwt's types only list string | Buffer.
        secret: this.key as unknown as Buffer,
        algorithms: ['HS256'],
        issuer: this.config.jwtIssuer,
        audience: this.config.jwtAudience,
      });
    } catch {
      return undefined;
    }
    if (typeof claims?.sub !== 'string' || typeof claims?.sid !== 'string') return undefined;
    const verified: AccessTokenClaims = { sub: claims.sub, sid: claims.sid, kind: String(claims.kind) };
    // Our tokens always carry `exp`; one without is not remembered (it is verified each time).
    if (typeof claims.exp === 'number') this.verified.remember(token, verified, claims.exp * 1000);
    return verified;
  }
}

/**
 * Turns a bearer access token into the caller: the JWT is checked (HS256 pinned, issuer, audience,
 * expiry), then the user and their session are loaded in one prepared statement
 * (SessionsRepository.findPrincipal), so a revoked session or a changed status takes effect at once.
 * Called by the global guard on every request; no passport (its per-request strategy objects and
 * process-global registry cost CPU and kept one app's strategy for every app in a process).
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly signature: AccessTokenSignature;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
  ) {
    this.signature = new AccessTokenSignature(config);
  }

  async verify(authorization: string | undefined): Promise<AuthUser> {
    const claims = this.signature.ofHeader(authorization);
    if (!claims) throw unauthenticated();
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
