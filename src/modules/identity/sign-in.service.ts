import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { forbidden, unauthenticated } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { assertMaySignIn, isExpiredLock } from './account-status.policy.js';
import { AUTH_LIMITS, AuthThrottle } from './auth-throttle.service.js';
import { SessionService, type IssuedTokens } from './auth/session.service.js';
import { LockoutService } from './lockout.service.js';
import { MfaTokenService } from './mfa-token.service.js';
import { PasswordService } from './password.service.js';
import { TotpService } from './totp.service.js';
import { UserViewService, type UserView } from './user-view.js';
import { UsersRepository } from './users.repository.js';
import { inTransaction } from '../../database/sql.js';

export type LoginResult =
  | { status: 'mfa_enrollment_required'; mfaToken: string; secret: string; otpauthUri: string }
  | { status: 'mfa_required'; mfaToken: string };

export interface SignedIn extends IssuedTokens {
  user: UserView;
}

const invalidCredentials = () =>
  unauthenticated('The email or password is not correct.', 'invalid_credentials');
const signInLocked = () =>
  forbidden(
    'account_locked',
    'This account is locked after too many failed sign-ins. Use the link we emailed you, or try again later.',
    {
      lockReason: 'failed_logins',
    },
  );
const invalidCode = () =>
  unauthenticated(
    'The code is not correct or has expired. Sign in again if this keeps happening.',
    'invalid_code',
  );

/** Sign-in with password, then TOTP (enrolling at the first sign-in). */
@Injectable()
export class SignInService {
  /** Verified against when the email is unknown, so both failures take the same time. */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly users: UsersRepository,
    private readonly sessions: SessionService,
    private readonly passwords: PasswordService,
    private readonly totp: TotpService,
    private readonly mfaTokens: MfaTokenService,
    private readonly lockout: LockoutService,
    private readonly userViews: UserViewService,
    private readonly audit: AuditService,
    private readonly throttle: AuthThrottle,
  ) {
    this.dummyHash = this.passwords.hash(`dummy-${randomUUID()}`);
  }

  async login(emailRaw: string, password: string, ip: string): Promise<LoginResult> {
    await this.throttle.ip(ip);
    const email = emailRaw.trim().toLowerCase();
    await this.throttle.account(AUTH_LIMITS.loginAccount, email);
    const now = this.clock.now();
    let user = await this.users.findAuthByEmail(email);

    // A hospital-credentialed account signs in only through the hospital's IdP (which does the second
    // factor), whatever password hash it may carry; answered like an unknown email, and not counted.
    if (!user || !user.passwordHash || user.hospitalId) {
      await this.passwords.verify(await this.dummyHash, password);
      await this.audit.record({
        actorId: user?.id ?? null,
        actorKind: user ? user.kind : 'anonymous',
        action: 'auth.login',
        outcome: 'failure',
        details: {
          reason: !user ? 'unknown_email' : user.hospitalId ? 'hospital_account' : 'no_password',
          ip,
        },
      });
      throw invalidCredentials();
    }

    // A sign-in lock (any state) whose time is up ends here.
    if (user.lockedUntil && user.lockedUntil.getTime() <= now.getTime()) {
      await this.lockout.clearExpiredLock(user.id);
      const wasFailedLogins = isExpiredLock(user, now);
      user = {
        ...user,
        status: wasFailedLogins ? 'active' : user.status,
        lockReason: wasFailedLogins ? null : user.lockReason,
        lockedUntil: null,
        failedLoginCount: 0,
      };
    }

    // The attempt is counted before the slow hash check, so racing guesses cannot all be checked; in
    // every state. Refused (locked, or five failed or in flight): no check at all, so guessing stops,
    // and the answer is a wrong password's, so the lock tells nobody anything (issue 18 item 5).
    const attempt = await this.lockout.reserveAttempt(user.id);
    if (attempt === null) {
      await Promise.all([
        this.passwords.verify(await this.dummyHash, password),
        this.lockout.refuseLocked(user.id, ip),
      ]);
      throw invalidCredentials();
    }
    if (!(await this.passwords.verify(user.passwordHash, password))) {
      await this.lockout.recordFailure(user.id, 'wrong_password', ip, attempt);
      throw invalidCredentials();
    }
    await this.lockout.releaseAttempt(user.id);

    // Only the right password learns the account's state (pending, deactivated, locked by the team…).
    assertMaySignIn(user, now);

    let enrollment: { secret: string; otpauthUri: string } | null = null;
    if (!user.totpEnrolledAt) {
      // First sign-in: a new secret each time until a code from it has been accepted.
      const secret = this.totp.newSecret();
      await this.users.setEnrollmentSecret(user.id, this.totp.encrypt(secret));
      enrollment = { secret, otpauthUri: this.totp.uri(secret, user.email) };
    }
    const mfaToken = await this.mfaTokens.sign(user);
    await this.audit.record({
      actorId: user.id,
      actorKind: user.kind,
      action: 'auth.password',
      outcome: 'success',
      details: { ip, enrollment: Boolean(enrollment) },
    });
    return enrollment
      ? { status: 'mfa_enrollment_required', mfaToken, ...enrollment }
      : { status: 'mfa_required', mfaToken };
  }

  async verifyMfa(mfaToken: string, code: string, ip: string): Promise<SignedIn> {
    await this.throttle.ip(ip);
    const claims = await this.mfaTokens.read(mfaToken);
    await this.throttle.account(AUTH_LIMITS.mfaAccount, claims.sub);
    const user = await this.users.findAuthById(claims.sub);
    if (!user || !user.passwordHash || this.mfaTokens.fingerprint(user.passwordHash) !== claims.pwf)
      throw invalidCode();
    const now = this.clock.now();
    assertMaySignIn(user, now);
    // The password was right (the token says so): a sign-in lock of an account in any state may be told.
    if (user.lockedUntil && user.lockedUntil.getTime() > now.getTime()) throw signInLocked();
    if (!user.totpSecret) throw invalidCode();

    const step = await this.totp.verify(
      this.totp.decrypt(user.totpSecret),
      code,
      now,
      user.totpLastStep === null ? null : Number(user.totpLastStep),
    );
    if (step === null) {
      await this.lockout.recordFailure(user.id, 'wrong_code', ip);
      throw invalidCode();
    }

    return inTransaction(this.dataSource, async (manager) => {
      if (!(await this.users.acceptTotpStep(user.id, step, now, manager))) throw invalidCode();
      const issued = await this.sessions.open(manager, { id: user.id, kind: user.kind }, 'password_totp');
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: 'auth.login',
          outcome: 'success',
          details: { ip, method: 'password_totp', enrolled: !user.totpEnrolledAt },
        },
        manager,
      );
      return { ...issued, user: (await this.userViews.load(user.id, manager))! };
    });
  }
}
