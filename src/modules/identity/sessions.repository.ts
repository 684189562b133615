import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { preparedQuery } from '../../database/prepared-query.js';
import { affected, on, one, returning, rows } from '../../database/sql.js';
import { effectiveLockReasonSql, effectiveStatusSql } from './account-status.policy.js';
import type { LockReason, StaffRole, UserKind, UserStatus } from './entities/user.entity.js';

/** The part of a session that signing tokens needs. */
export interface SessionRef {
  id: string;
  userId: string;
  expiresAt: Date;
}

/** A refresh token with its session and the account's status facts, row-locked for rotation. */
export interface RefreshCandidate {
  tokenId: string;
  spentAt: Date | null;
  sessionId: string;
  userId: string;
  lastActiveAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  kind: UserKind;
  status: UserStatus;
  lockReason: LockReason | null;
  lockedUntil: Date | null;
  isSponsor: boolean;
}

/** The caller as the guard loads it on every request: account (status effective) and session. */
export interface PrincipalRow {
  id: string;
  kind: UserKind;
  status: UserStatus;
  lock_reason: LockReason | null;
  email: string;
  first_name: string;
  last_name: string;
  npi: string | null;
  practice_id: string | null;
  sponsor_id: string | null;
  is_sponsor: boolean;
  hospital_id: string | null;
  roles: StaffRole[];
  revoked_at: Date | null;
  expires_at: Date;
}

/**
 * The hot path of every authenticated request: one prepared statement (parsed and planned once per
 * connection). A failed-sign-in lock whose time is up counts as lifted (account-status.policy.ts).
 * Exported for the benchmark's baseline server, which must run the same statement.
 */
export const PRINCIPAL_SQL = `SELECT u.id, u.kind, ${effectiveStatusSql('u', '$3')} AS status, ${effectiveLockReasonSql('u', '$3')} AS lock_reason,
       u.email, u.first_name, u.last_name, u.npi, u.practice_id, u.sponsor_id, u.is_sponsor, u.hospital_id, u.roles, s.revoked_at, s.expires_at
  FROM sessions s JOIN users u ON u.id = s.user_id
 WHERE s.id = $1::uuid AND u.id = $2::uuid`;

/** The prepared statement's name (one name per distinct text: bump it when the text changes). */
export const PRINCIPAL_STATEMENT = 'auth_principal_v3';

/** All SQL of `sessions` and `refresh_tokens`. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The guard's per-request query; undefined when the ids match nothing (or are not UUIDs). */
  async findPrincipal(sessionId: string, userId: string, now: Date): Promise<PrincipalRow | undefined> {
    const found = await preparedQuery<PrincipalRow & Record<string, unknown>>(
      this.dataSource,
      PRINCIPAL_STATEMENT,
      PRINCIPAL_SQL,
      [sessionId, userId, now],
    ).catch(() => []);
    return found[0];
  }

  async insertSession(
    session: { userId: string; now: Date; expiresAt: Date; method: 'password_totp' | 'sso' },
    manager?: EntityManager,
  ): Promise<SessionRef> {
    const [row] = await rows<{ id: string; user_id: string; expires_at: Date }>(
      on(this.dataSource, manager),
      `INSERT INTO sessions (user_id, created_at, last_active_at, expires_at, method) VALUES ($1, $2, $2, $3, $4)
       RETURNING id, user_id, expires_at`,
      [session.userId, session.now, session.expiresAt, session.method],
    );
    return { id: row.id, userId: row.user_id, expiresAt: row.expires_at };
  }

  async insertRefreshToken(
    sessionId: string,
    tokenHash: string,
    now: Date,
    manager?: EntityManager,
  ): Promise<void> {
    await rows(
      on(this.dataSource, manager),
      'INSERT INTO refresh_tokens (session_id, token_hash, created_at) VALUES ($1, $2, $3)',
      [sessionId, tokenHash, now],
    );
  }

  /** The refresh token by its hash, with its session and account, both token and session row-locked. */
  async findRefreshForUpdate(
    tokenHash: string,
    manager: EntityManager,
  ): Promise<RefreshCandidate | undefined> {
    const row = await one<Record<string, unknown>>(
      manager,
      `SELECT r.id AS token_id, r.spent_at, s.id AS session_id, s.user_id, s.last_active_at, s.expires_at, s.revoked_at,
              u.kind, u.status, u.lock_reason, u.locked_until, u.is_sponsor
         FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = s.user_id
        WHERE r.token_hash = $1
        FOR UPDATE OF r, s`,
      [tokenHash],
    );
    if (!row) return undefined;
    return {
      tokenId: row.token_id as string,
      spentAt: row.spent_at as Date | null,
      sessionId: row.session_id as string,
      userId: row.user_id as string,
      lastActiveAt: row.last_active_at as Date,
      expiresAt: row.expires_at as Date,
      revokedAt: row.revoked_at as Date | null,
      kind: row.kind as UserKind,
      status: row.status as UserStatus,
      lockReason: row.lock_reason as LockReason | null,
      lockedUntil: row.locked_until as Date | null,
      isSponsor: row.is_sponsor as boolean,
    };
  }

  /** Spends a refresh token and marks its session active now. */
  async rotate(tokenId: string, sessionId: string, now: Date, manager: EntityManager): Promise<void> {
    await affected(manager, 'UPDATE refresh_tokens SET spent_at = $2 WHERE id = $1', [tokenId, now]);
    await affected(manager, 'UPDATE sessions SET last_active_at = $2 WHERE id = $1', [sessionId, now]);
  }

  /** Ends one session (unconditionally: a reused refresh token ends it whatever its state). */
  async revoke(sessionId: string, now: Date, reason: string, manager?: EntityManager): Promise<void> {
    await affected(
      on(this.dataSource, manager),
      'UPDATE sessions SET revoked_at = $2, revoke_reason = $3 WHERE id = $1',
      [sessionId, now, reason],
    );
  }

  /** Ends one session if still open; false when it already was ended. */
  async revokeOpen(sessionId: string, now: Date, reason: string, manager?: EntityManager): Promise<boolean> {
    const ended = await returning<{ id: string }>(
      on(this.dataSource, manager),
      'UPDATE sessions SET revoked_at = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING id',
      [sessionId, now, reason],
    );
    return ended.length > 0;
  }

  /** A user's live sessions (not ended, not past their absolute end, active since `idleSince`), newest first. */
  async listLive(
    userId: string,
    now: Date,
    idleSince: Date,
    manager?: EntityManager,
  ): Promise<Array<{ id: string; createdAt: Date; lastActiveAt: Date; method: string }>> {
    const found = await rows<{ id: string; created_at: Date; last_active_at: Date; method: string }>(
      on(this.dataSource, manager),
      `SELECT id, created_at, last_active_at, method FROM sessions
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_active_at > $3
        ORDER BY created_at DESC, id DESC`,
      [userId, now, idleSince],
    );
    return found.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      lastActiveAt: r.last_active_at,
      method: r.method,
    }));
  }

  /** Ends one live session of this user (as `listLive` counts them); false when it is not theirs or already ended. */
  async revokeLiveOfUser(
    sessionId: string,
    userId: string,
    now: Date,
    idleSince: Date,
    reason: string,
    manager?: EntityManager,
  ): Promise<boolean> {
    const ended = await returning<{ id: string }>(
      on(this.dataSource, manager),
      `UPDATE sessions SET revoked_at = $3, revoke_reason = $5
        WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3 AND last_active_at > $4 RETURNING id`,
      [sessionId, userId, now, idleSince, reason],
    );
    return ended.length > 0;
  }

  /** Ends every open session of a user, except `exceptSessionId`; the number ended. */
  async revokeAllOfUser(
    userId: string,
    now: Date,
    reason: string,
    exceptSessionId: string | null,
    manager?: EntityManager,
  ): Promise<number> {
    return affected(
      on(this.dataSource, manager),
      `UPDATE sessions SET revoked_at = $2, revoke_reason = $3
        WHERE user_id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4::uuid)`,
      [userId, now, reason, exceptSessionId],
    );
  }
}
