import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DataSource, EntityManager } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { sha256Hex } from '../../common/crypto/tokens.js';
import { badRequest, forbidden, ProblemException, unauthenticated } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { ActionTokensService } from './action-tokens.service.js';
import { AUTH_LIMITS, AuthThrottle } from './auth-throttle.service.js';
import { SESSION_IDLE_MS, SessionService, type IssuedTokens } from './auth/session.service.js';
import type { Session } from './entities/session.entity.js';
import { PasswordService } from './password.service.js';
import { assertStrongPassword } from './password-policy.js';
import { updateReturning } from './sql.js';
import { TotpService } from './totp.service.js';
import { loadUserView, type UserView } from './user-view.js';

export const MAX_FAILED_LOGINS = 5;
export const FAILED_LOGIN_LOCK_MS = 15 * 60 * 1000;
export const MFA_TOKEN_TTL_SECONDS = 5 * 60;

/** A row of `users` as sign-in needs it. */
interface AuthRow {
  id: string;
  kind: string;
  email: string;
  first_name: string;
  password_hash: string | null;
  status: string;
  lock_reason: string | null;
  locked_until: Date | null;
  failed_login_count: number;
  is_sponsor: boolean;
  hospital_id: string | null;
  totp_secret: string | null;
  totp_enrolled_at: Date | null;
  totp_last_step: string | null;
}

interface MfaClaims {
  sub: string;
  purpose: 'mfa';
  /** Fingerprint of the password hash at sign-in: a password change voids pending MFA tokens. */
  pwf: string;
  jti: string;
  iat: number;
  exp: number;
}

export type LoginResult =
  | { status: 'mfa_enrollment_required'; mfaToken: string; secret: string; otpauthUri: string }
  | { status: 'mfa_required'; mfaToken: string };

export interface SignedIn extends IssuedTokens {
  user: UserView;
}

const invalidCredentials = () => unauthenticated('The email or password is not correct.', 'invalid_credentials');
const invalidCode = () => unauthenticated('The code is not correct or has expired. Sign in again if this keeps happening.', 'invalid_code');
const invalidToken = () => badRequest('invalid_token', 'This link is not valid: it has expired or was already used.');

/** Sign-in (password + TOTP), refresh, sign-out, password reset and activation. */
@Injectable()
export class AuthService {
  /** Verified against when the email is unknown, so both failures take the same time. */
  private dummyHash: Promise<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly jwt: JwtService,
    private readonly sessions: SessionService,
    private readonly passwords: PasswordService,
    private readonly totp: TotpService,
    private readonly tokens: ActionTokensService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly throttle: AuthThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.dummyHash = this.passwords.hash(`dummy-${randomUUID()}`);
  }

  private get mfaAudience(): string {
    return `${this.config.jwtAudience}:mfa`;
  }

  // ---------------------------------------------------------------- sign-in

  async login(emailRaw: string, password: string, ip: string): Promise<LoginResult> {
    const email = emailRaw.trim().toLowerCase();
    await this.throttle.account(AUTH_LIMITS.loginAccount, email);
    const now = this.clock.now();
    const user = await this.findByEmail(this.dataSource.manager, email);

    if (!user || !user.password_hash) {
      await this.passwords.verify(await this.dummyHash, password);
      await this.audit.record({
        actorId: user?.id ?? null,
        actorKind: user ? user.kind : 'anonymous',
        action: 'auth.login',
        outcome: 'failure',
        details: { reason: user ? 'no_password' : 'unknown_email', ip },
      });
      throw invalidCredentials();
    }

    // A failed-sign-in lock answers the same whatever the password, so guessing stops during it.
    if (user.status === 'locked' && user.lock_reason === 'failed_logins') {
      if (user.locked_until && user.locked_until <= now) {
        await this.expireFailedLoginLock(user.id);
        user.status = 'active';
        user.lock_reason = null;
        user.failed_login_count = 0;
      } else {
        await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'auth.login', outcome: 'denied', details: { reason: 'locked', ip } });
        throw forbidden('account_locked', 'This account is locked after too many failed sign-ins. Try again later or contact the MyPatients team.', {
          lockReason: 'failed_logins',
        });
      }
    }

    if (!(await this.passwords.verify(user.password_hash, password))) {
      await this.recordFailure(user.id, 'wrong_password', ip);
      throw invalidCredentials();
    }

    this.assertMaySignIn(user);

    let enrollment: { secret: string; otpauthUri: string } | null = null;
    if (!user.totp_enrolled_at) {
      // First sign-in: a new secret each time until a code from it has been accepted.
      const secret = this.totp.newSecret();
      await this.dataSource.query('UPDATE users SET totp_secret = $2, totp_last_step = NULL WHERE id = $1 AND totp_enrolled_at IS NULL', [
        user.id,
        this.totp.encrypt(secret),
      ]);
      enrollment = { secret, otpauthUri: this.totp.uri(secret, user.email) };
    }
    const mfaToken = await this.signMfaToken(user);
    await this.audit.record({
      actorId: user.id,
      actorKind: user.kind,
      action: 'auth.password',
      outcome: 'success',
      details: { ip, enrollment: Boolean(enrollment) },
    });
    return enrollment ? { status: 'mfa_enrollment_required', mfaToken, ...enrollment } : { status: 'mfa_required', mfaToken };
  }

  async verifyMfa(mfaToken: string, code: string, ip: string): Promise<SignedIn> {
    const claims = await this.readMfaToken(mfaToken);
    await this.throttle.account(AUTH_LIMITS.mfaAccount, claims.sub);
    const user = await this.findById(this.dataSource.manager, claims.sub);
    if (!user || !user.password_hash || sha256Hex(user.password_hash).slice(0, 16) !== claims.pwf) throw invalidCode();
    this.assertMaySignIn(user);
    if (!user.totp_secret) throw invalidCode();

    const now = this.clock.now();
    const step = await this.totp.verify(this.totp.decrypt(user.totp_secret), code, now, user.totp_last_step === null ? null : Number(user.totp_last_step));
    if (step === null) {
      await this.recordFailure(user.id, 'wrong_code', ip);
      throw invalidCode();
    }

    return this.dataSource.transaction(async (manager) => {
      // Each step once per account, even when two requests race with the same code.
      const accepted = await updateReturning(
        manager,
        `UPDATE users SET totp_last_step = $2, totp_enrolled_at = COALESCE(totp_enrolled_at, $3), failed_login_count = 0
          WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
        [user.id, step, now],
      );
      if (accepted.length === 0) throw invalidCode();
      const issued = await this.sessions.open(manager, { id: user.id, kind: user.kind }, 'password_totp');
      await this.audit.record(
        { actorId: user.id, actorKind: user.kind, action: 'auth.login', outcome: 'success', details: { ip, method: 'password_totp', enrolled: !user.totp_enrolled_at } },
        manager,
      );
      return { ...issued, user: (await loadUserView(manager, user.id, now))! };
    });
  }

  /** Opens a session for a hospital-credentialed account after SSO. */
  async signInSso(hospitalId: string, ip: string): Promise<SignedIn> {
    const rows: AuthRow[] = await this.dataSource.query(`SELECT * FROM users WHERE hospital_id = $1 AND kind = 'provider'`, [hospitalId]);
    const user = rows[0];
    if (!user) {
      await this.audit.record({ actorId: null, actorKind: 'anonymous', action: 'auth.sso', outcome: 'denied', details: { reason: 'account_not_found', ip } });
      throw forbidden('account_not_found', 'No MyPatients account is linked to this hospital identity. Contact the MyPatients team.');
    }
    if (user.status === 'locked' && user.lock_reason === 'failed_logins' && user.locked_until && user.locked_until <= this.clock.now()) {
      await this.expireFailedLoginLock(user.id);
      user.status = 'active';
    }
    try {
      this.assertMaySignIn(user);
    } catch (error) {
      await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'auth.sso', outcome: 'denied', details: { reason: user.status, ip } });
      throw error;
    }
    return this.dataSource.transaction(async (manager) => {
      const issued = await this.sessions.open(manager, { id: user.id, kind: user.kind }, 'sso');
      await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'auth.sso', outcome: 'success', details: { ip } }, manager);
      return { ...issued, user: (await loadUserView(manager, user.id, this.clock.now()))! };
    });
  }

  /** Rotates a refresh token; a spent one revokes its whole session. */
  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const now = this.clock.now();
    const outcome = await this.dataSource.transaction(async (manager) => {
      const rows: Array<Record<string, unknown>> = await manager.query(
        `SELECT r.id AS token_id, r.spent_at, s.id, s.user_id, s.created_at, s.last_active_at, s.expires_at, s.revoked_at, s.method,
                u.kind, u.status, u.lock_reason, u.is_sponsor, u.locked_until
           FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = s.user_id
          WHERE r.token_hash = $1
          FOR UPDATE OF r, s`,
        [sha256Hex(refreshToken)],
      );
      const row = rows[0];
      if (!row) return { error: 'unknown' as const };
      if (row.revoked_at) return { error: 'revoked' as const };
      if (row.spent_at) {
        await manager.query(`UPDATE sessions SET revoked_at = $2, revoke_reason = 'refresh_reuse' WHERE id = $1`, [row.id, now]);
        await this.audit.record(
          { actorId: row.user_id as string, actorKind: row.kind as string, action: 'auth.refresh_reuse', outcome: 'denied', details: { sessionId: row.id } },
          manager,
        );
        return { error: 'reuse' as const };
      }
      const idle = (row.last_active_at as Date).getTime() + SESSION_IDLE_MS <= now.getTime();
      const expired = (row.expires_at as Date) <= now;
      if (idle || expired) {
        await manager.query(`UPDATE sessions SET revoked_at = $2, revoke_reason = $3 WHERE id = $1`, [row.id, now, idle ? 'idle' : 'expired']);
        return { error: 'expired' as const };
      }
      const lockExpired = row.status === 'locked' && row.lock_reason === 'failed_logins' && row.locked_until && (row.locked_until as Date) <= now;
      const usable =
        row.status === 'active' || lockExpired || (row.status === 'locked' && row.lock_reason === 'validation_overdue' && row.is_sponsor === true);
      if (!usable) return { error: 'status' as const };
      await manager.query('UPDATE refresh_tokens SET spent_at = $2 WHERE id = $1', [row.token_id, now]);
      await manager.query('UPDATE sessions SET last_active_at = $2 WHERE id = $1', [row.id, now]);
      const session = {
        id: row.id as string,
        userId: row.user_id as string,
        expiresAt: row.expires_at as Date,
      } as Session;
      return { tokens: await this.sessions.issue(manager, session, row.kind as string) };
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
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE sessions SET revoked_at = $2, revoke_reason = 'logout' WHERE id = $1 AND revoked_at IS NULL`, [sessionId, this.clock.now()]);
      await this.audit.record({ actorId: userId, actorKind: kind, action: 'auth.logout', outcome: 'success', details: { sessionId } }, manager);
    });
  }

  // ---------------------------------------------------------------- password reset and activation

  /** Always succeeds from the caller's point of view: no account enumeration. */
  async forgot(emailRaw: string, ip: string): Promise<void> {
    const email = emailRaw.trim().toLowerCase();
    let allowed = true;
    try {
      await this.throttle.account(AUTH_LIMITS.forgotAccount, email);
    } catch (error) {
      if (!(error instanceof ProblemException)) throw error;
      allowed = false; // silently: a 429 here would say nothing, but neither should the email
    }
    await this.dataSource.transaction(async (manager) => {
      const user = await this.findByEmail(manager, email);
      const eligible = user && user.password_hash && !user.hospital_id && ['active', 'locked'].includes(user.status);
      if (!eligible || !allowed) {
        await this.audit.record(
          { actorId: user?.id ?? null, actorKind: user?.kind ?? 'anonymous', action: 'auth.password_reset_requested', outcome: 'denied', details: { ip, reason: !allowed ? 'throttled' : 'ineligible' } },
          manager,
        );
        return;
      }
      const token = await this.tokens.issue(manager, user.id, 'reset_password');
      await this.notifications.record(manager, {
        template: 'password-reset',
        to: user.email,
        data: { firstName: user.first_name, token, expiresInMinutes: 60 },
        idempotencyKey: `password-reset:${sha256Hex(token)}`,
      });
      await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'auth.password_reset_requested', outcome: 'success', details: { ip } }, manager);
    });
  }

  async resetPassword(token: string, password: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const spent = await this.tokens.consume(manager, token, 'reset_password');
      if (!spent) throw invalidToken();
      const user = await this.findById(manager, spent.userId);
      if (!user || user.hospital_id || !['active', 'locked'].includes(user.status)) throw invalidToken();
      assertStrongPassword(password, { email: user.email });
      const now = this.clock.now();
      // The owner proved control of the mailbox: a failed-sign-in lock ends too. TOTP is untouched.
      await manager.query(
        `UPDATE users SET password_hash = $2, failed_login_count = 0, updated_at = $3,
                status = CASE WHEN status = 'locked' AND lock_reason = 'failed_logins' THEN 'active' ELSE status END,
                lock_reason = CASE WHEN status = 'locked' AND lock_reason = 'failed_logins' THEN NULL ELSE lock_reason END,
                locked_until = CASE WHEN status = 'locked' AND lock_reason = 'failed_logins' THEN NULL ELSE locked_until END
          WHERE id = $1`,
        [user.id, await this.passwords.hash(password), now],
      );
      await this.sessions.revokeAll(manager, user.id, 'password_reset');
      await this.notifications.record(manager, {
        template: 'password-changed',
        to: user.email,
        data: { firstName: user.first_name },
        idempotencyKey: `password-changed:${spent.id}`,
      });
      await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'auth.password_reset', outcome: 'success' }, manager);
    });
  }

  /** Sets the password of an invited account (sponsored users, created by their sponsor). */
  async activate(token: string, password: string): Promise<{ status: 'active' }> {
    return this.dataSource.transaction(async (manager) => {
      const spent = await this.tokens.consume(manager, token, 'activate');
      if (!spent) throw invalidToken();
      const user = await this.findById(manager, spent.userId);
      if (!user || user.status !== 'invited') throw invalidToken();
      assertStrongPassword(password, { email: user.email });
      const now = this.clock.now();
      await manager.query(
        `UPDATE users SET password_hash = $2, status = 'active', email_verified_at = COALESCE(email_verified_at, $3), updated_at = $3 WHERE id = $1`,
        [user.id, await this.passwords.hash(password), now],
      );
      await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'auth.activate', outcome: 'success' }, manager);
      return { status: 'active' as const };
    });
  }

  // ---------------------------------------------------------------- helpers

  /** Refuses statuses that may not sign in; a validation-locked sponsor may (to complete validation). */
  private assertMaySignIn(user: Pick<AuthRow, 'status' | 'lock_reason' | 'is_sponsor'>): void {
    switch (user.status) {
      case 'active':
        return;
      case 'locked':
        if (user.lock_reason === 'validation_overdue' && user.is_sponsor) return;
        throw forbidden('account_locked', 'This account is locked. Contact the MyPatients team.', { lockReason: user.lock_reason });
      case 'deactivated':
        throw forbidden('account_deactivated', 'This account is deactivated.');
      case 'rejected':
        throw forbidden('account_rejected', 'This registration was not approved. Contact the MyPatients team.');
      case 'pending_email':
        throw forbidden('account_pending', 'Confirm your email address first: follow the link we sent you.');
      case 'pending_approval':
        throw forbidden('account_pending', 'The MyPatients team has not approved this registration yet.');
      default:
        throw forbidden('account_pending', 'This account is not active yet: follow the activation link we sent you.');
    }
  }

  /** Counts a failed sign-in (wrong password or code); the fifth in a row locks an active account for 15 minutes. */
  private async recordFailure(userId: string, reason: string, ip: string): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const rows: AuthRow[] = await manager.query('SELECT * FROM users WHERE id = $1 FOR UPDATE', [userId]);
      const user = rows[0];
      if (!user) return;
      const count = user.failed_login_count + 1;
      const lock = count >= MAX_FAILED_LOGINS && user.status === 'active';
      const lockedUntil = new Date(now.getTime() + FAILED_LOGIN_LOCK_MS);
      if (lock) {
        await manager.query(
          `UPDATE users SET failed_login_count = $2, status = 'locked', lock_reason = 'failed_logins', locked_until = $3, updated_at = $4 WHERE id = $1`,
          [userId, count, lockedUntil, now],
        );
      } else {
        await manager.query('UPDATE users SET failed_login_count = $2 WHERE id = $1', [userId, count]);
      }
      await this.audit.record({ actorId: userId, actorKind: user.kind, action: 'auth.login', outcome: 'failure', details: { reason, ip, failedCount: count } }, manager);
      if (lock) {
        await this.audit.record(
          { actorId: userId, actorKind: user.kind, action: 'auth.lock', outcome: 'success', details: { lockReason: 'failed_logins', lockedUntil: lockedUntil.toISOString() } },
          manager,
        );
        await this.notifications.record(manager, {
          template: 'account-locked-failed-logins',
          to: user.email,
          data: { firstName: user.first_name, lockMinutes: FAILED_LOGIN_LOCK_MS / 60000 },
          idempotencyKey: `account-locked:${userId}:${now.getTime()}`,
        });
      }
    });
  }

  private async expireFailedLoginLock(userId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const updated = await updateReturning<{ kind: string }>(
        manager,
        `UPDATE users SET status = 'active', lock_reason = NULL, locked_until = NULL, failed_login_count = 0, updated_at = $2
          WHERE id = $1 AND status = 'locked' AND lock_reason = 'failed_logins' RETURNING kind`,
        [userId, this.clock.now()],
      );
      if (updated.length) {
        await this.audit.record({ actorId: userId, actorKind: updated[0].kind, action: 'auth.unlock', outcome: 'success', details: { by: 'expiry' } }, manager);
      }
    });
  }

  private async signMfaToken(user: AuthRow): Promise<string> {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const claims: MfaClaims = {
      sub: user.id,
      purpose: 'mfa',
      pwf: sha256Hex(user.password_hash ?? '').slice(0, 16),
      jti: randomUUID(),
      iat,
      exp: iat + MFA_TOKEN_TTL_SECONDS,
    };
    return this.jwt.signAsync(claims, { algorithm: 'HS256', issuer: this.config.jwtIssuer, audience: this.mfaAudience, secret: this.config.jwtSecret });
  }

  private async readMfaToken(token: string): Promise<MfaClaims> {
    try {
      const claims = await this.jwt.verifyAsync<MfaClaims>(token, {
        algorithms: ['HS256'],
        issuer: this.config.jwtIssuer,
        audience: this.mfaAudience,
        secret: this.config.jwtSecret,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
      if (claims.purpose !== 'mfa' || typeof claims.sub !== 'string') throw new Error('not an MFA token');
      return claims;
    } catch {
      throw unauthenticated('The sign-in has expired. Sign in again.', 'invalid_code');
    }
  }

  private async findByEmail(manager: EntityManager, email: string): Promise<AuthRow | undefined> {
    const rows: AuthRow[] = await manager.query('SELECT * FROM users WHERE email = $1', [email]);
    return rows[0];
  }

  private async findById(manager: EntityManager, id: string): Promise<AuthRow | undefined> {
    const rows: AuthRow[] = await manager.query('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0];
  }
}
