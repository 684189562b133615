import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { forbidden, unauthenticated, type ProblemException } from '../../common/errors/problem.js';
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
import { UsersRepository, type AuthAccount } from './users.repository.js';

export type LoginResult =
  | { status: 'mfa_enrollment_required'; mfaToken: string; secret: string; otpauthUri: string }
  | { status: 'mfa_required'; mfaToken: string };

export interface SignedIn extends IssuedTokens {
  user: UserView;
}

const invalidCredentials = () => unauthenticated('The email or password is not correct.', 'invalid_credentials');
const invalidCode = () => unauthenticated('The code is not correct or has expired. Sign in again if this keeps happening.', 'invalid_code');

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
        details: { reason: !user ? 'unknown_email' : user.hospitalId ? 'hospital_account' : 'no_password', ip },
      });
      throw invalidCredentials();
    }

    // A failed-sign-in lock answers the same whatever the password, so guessing stops during it.
    if (user.status === 'locked' && user.lockReason === 'failed_logins') {
      if (isExpiredLock(user, now)) {
        await this.lockout.clearExpiredLock(user.id);
        user = { ...user, status: 'active', lockReason: null, lockedUntil: null, failedLoginCount: 0 };
      } else {
        throw await this.lockedOut(user, ip);
      }
    }

    // The attempt is counted before the slow hash check, so racing guesses cannot all be checked.
    const attempt = await this.lockout.reserveAttempt(user.id);
    if (attempt === null) throw await this.lockedOut(user, ip);
    if (!(await this.passwords.verify(user.passwordHash, password))) {
      await this.lockout.recordFailure(user.id, 'wrong_password', ip, attempt);
      throw invalidCredentials();
    }
    await this.lockout.releaseAttempt(user.id);

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
    return enrollment ? { status: 'mfa_enrollment_required', mfaToken, ...enrollment } : { status: 'mfa_required', mfaToken };
  }

  /** Refuses a sign-in during a failed-sign-in lock (or with five attempts failed or in flight), unchecked. */
  private async lockedOut(user: AuthAccount, ip: string): Promise<ProblemException> {
    await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'auth.login', outcome: 'denied', details: { reason: 'locked', ip } });
    return forbidden('account_locked', 'This account is locked after too many failed sign-ins. Try again later or contact the MyPatients team.', {
      lockReason: 'failed_logins',
    });
  }

  async verifyMfa(mfaToken: string, code: string, ip: string): Promise<SignedIn> {
    await this.throttle.ip(ip);
    const claims = await this.mfaTokens.read(mfaToken);
    await this.throttle.account(AUTH_LIMITS.mfaAccount, claims.sub);
    const user = await this.users.findAuthById(claims.sub);
    if (!user || !user.passwordHash || this.mfaTokens.fingerprint(user.passwordHash) !== claims.pwf) throw invalidCode();
    const now = this.clock.now();
    assertMaySignIn(user, now);
    if (!user.totpSecret) throw invalidCode();

    const step = await this.totp.verify(this.totp.decrypt(user.totpSecret), code, now, user.totpLastStep === null ? null : Number(user.totpLastStep));
    if (step === null) {
      await this.lockout.recordFailure(user.id, 'wrong_code', ip);
      throw invalidCode();
    }

    return this.dataSource.transaction(async (manager) => {
      if (!(await this.users.acceptTotpStep(user.id, step, now, manager))) throw invalidCode();
      const issued = await this.sessions.open(manager, { id: user.id, kind: user.kind }, 'password_totp');
      await this.audit.record(
        { actorId: user.id, actorKind: user.kind, action: 'auth.login', outcome: 'success', details: { ip, method: 'password_totp', enrolled: !user.totpEnrolledAt } },
        manager,
      );
      return { ...issued, user: (await this.userViews.load(user.id, manager))! };
    });
  }
}
