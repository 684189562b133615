import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { forbidden } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { effectiveStatus, isExpiredLock, signInRefusal } from './account-status.policy.js';
import { SessionService } from './auth/session.service.js';
import { LockoutService } from './lockout.service.js';
import type { SignedIn } from './sign-in.service.js';
import { UserViewService } from './user-view.js';
import { UsersRepository, type AuthAccount } from './users.repository.js';
import { inTransaction } from '../../database/sql.js';

/** Opens a session for a hospital-credentialed account once the hospital's OIDC provider vouched for it. */
@Injectable()
export class SsoSignInService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly users: UsersRepository,
    private readonly sessions: SessionService,
    private readonly lockout: LockoutService,
    private readonly userViews: UserViewService,
    private readonly audit: AuditService,
  ) {}

  /** Opens the session (POST /auth/sso/exchange), the account checked again. */
  async signIn(hospitalId: string, ip: string): Promise<SignedIn> {
    const user = await this.admit(hospitalId, ip);
    return inTransaction(this.dataSource, async (manager) => {
      const issued = await this.sessions.open(manager, { id: user.id, kind: user.kind }, 'sso');
      await this.audit.record(
        { actorId: user.id, actorKind: user.kind, action: 'auth.sso', outcome: 'success', details: { ip } },
        manager,
      );
      return { ...issued, user: (await this.userViews.load(user.id, manager))! };
    });
  }

  /** The linked account when it may sign in (the callback answers its refusal at once); audited when refused. */
  async admit(hospitalId: string, ip: string): Promise<AuthAccount> {
    const user = await this.users.findAuthByHospitalId(hospitalId);
    if (!user) {
      await this.audit.record({
        actorId: null,
        actorKind: 'anonymous',
        action: 'auth.sso',
        outcome: 'denied',
        details: { reason: 'account_not_found', ip },
      });
      throw forbidden(
        'account_not_found',
        'No MyPatients account is linked to this hospital identity. Contact the MyPatients team.',
      );
    }
    const now = this.clock.now();
    if (isExpiredLock(user, now)) await this.lockout.clearExpiredLock(user.id);
    const refusal = signInRefusal(user, now);
    if (refusal) {
      await this.audit.record({
        actorId: user.id,
        actorKind: user.kind,
        action: 'auth.sso',
        outcome: 'denied',
        details: { reason: effectiveStatus(user, now), ip },
      });
      throw refusal;
    }
    return user;
  }
}
