import { conflict, forbidden, type ProblemException } from '../../common/errors/problem.js';
import type { LockReason, UserStatus } from './entities/user.entity.js';

/**
 * The one rule of "may this account act": what its status is right now, whether it may sign in
 * (or refresh), and whether it may use a route. Every place that decides this (sign-in, SSO,
 * refresh, the guard's per-request query, `/me`) goes through here; SQL uses `effectiveStatusSql`.
 */
export interface AccountStatusFacts {
  status: UserStatus;
  lockReason: LockReason | null;
  /** End of a failed-sign-in lock; omitted when the facts are already effective. */
  lockedUntil?: Date | null;
  isSponsor: boolean;
}

/** A failed-sign-in lock ends by itself: once its time is up it counts as lifted. */
export function isExpiredLock(
  user: Pick<AccountStatusFacts, 'status' | 'lockReason' | 'lockedUntil'>,
  now: Date,
): boolean {
  return (
    user.status === 'locked' &&
    user.lockReason === 'failed_logins' &&
    user.lockedUntil !== null &&
    user.lockedUntil !== undefined &&
    user.lockedUntil.getTime() <= now.getTime()
  );
}

/** The status as of `now`: an expired failed-sign-in lock is `active`. */
export function effectiveStatus(
  user: Pick<AccountStatusFacts, 'status' | 'lockReason' | 'lockedUntil'>,
  now: Date,
): UserStatus {
  return isExpiredLock(user, now) ? 'active' : user.status;
}

/** The lock reason as of `now` (none once a failed-sign-in lock has expired). */
export function effectiveLockReason(
  user: Pick<AccountStatusFacts, 'status' | 'lockReason' | 'lockedUntil'>,
  now: Date,
): LockReason | null {
  return isExpiredLock(user, now) ? null : user.lockReason;
}

/** Status facts already made effective (e.g. by `effectiveStatusSql` in the guard's query). */
export interface EffectiveAccountStatus {
  status: UserStatus;
  lockReason: LockReason | null;
  isSponsor: boolean;
}

/** The facts as of `now`. */
export function effectiveFacts(user: AccountStatusFacts, now: Date): EffectiveAccountStatus {
  return {
    status: effectiveStatus(user, now),
    lockReason: effectiveLockReason(user, now),
    isSponsor: user.isSponsor,
  };
}

/** A sponsor locked for an overdue validation may still sign in and use the routes that let them complete it. */
function isValidationLockedSponsor(user: EffectiveAccountStatus): boolean {
  return user.status === 'locked' && user.lockReason === 'validation_overdue' && user.isSponsor;
}

/** May the account open or refresh a session? */
export function maySignIn(user: AccountStatusFacts, now: Date): boolean {
  return signInRefusal(user, now) === null;
}

/** Why the account may not sign in (the problem to answer), or null when it may. */
export function signInRefusal(user: AccountStatusFacts, now: Date): ProblemException | null {
  const effective = effectiveFacts(user, now);
  switch (effective.status) {
    case 'active':
      return null;
    case 'locked':
      if (isValidationLockedSponsor(effective)) return null;
      return forbidden('account_locked', 'This account is locked. Contact the MyPatients team.', {
        lockReason: effective.lockReason,
      });
    case 'deactivated':
      return forbidden('account_deactivated', 'This account is deactivated.');
    case 'rejected':
      return forbidden(
        'account_rejected',
        'This registration was not approved. Contact the MyPatients team.',
      );
    case 'pending_email':
      return forbidden('account_pending', 'Confirm your email address first: follow the link we sent you.');
    case 'pending_approval':
      return forbidden('account_pending', 'The MyPatients team has not approved this registration yet.');
    default:
      return forbidden(
        'account_pending',
        'This account is not active yet: follow the activation link we sent you.',
      );
  }
}

export function assertMaySignIn(user: AccountStatusFacts, now: Date): void {
  const refusal = signInRefusal(user, now);
  if (refusal) throw refusal;
}

/**
 * Why an account with these (effective) facts may not use a route — the guard's answer — or null
 * when it may. Routes marked `@AllowLockedSponsor()` also admit a sponsor locked for an overdue validation.
 */
export function routeRefusalOf(
  effective: EffectiveAccountStatus,
  allowLockedSponsor: boolean,
): ProblemException | null {
  switch (effective.status) {
    case 'active':
      return null;
    case 'locked':
      if (allowLockedSponsor && isValidationLockedSponsor(effective)) return null;
      return forbidden('account_locked', 'This account is locked.', { lockReason: effective.lockReason });
    case 'deactivated':
      return forbidden('account_deactivated', 'This account is deactivated.');
    default:
      return forbidden('account_pending', 'This account is not active yet.');
  }
}

/** `routeRefusalOf` for stored facts as of `now`. */
export function routeRefusal(
  user: AccountStatusFacts,
  now: Date,
  allowLockedSponsor: boolean,
): ProblemException | null {
  return routeRefusalOf(effectiveFacts(user, now), allowLockedSponsor);
}

export function mayUseRoute(user: AccountStatusFacts, now: Date, allowLockedSponsor: boolean): boolean {
  return routeRefusal(user, now, allowLockedSponsor) === null;
}

/** The condition "this row's failed-sign-in lock has expired" for table alias `alias` and the time parameter `nowParam` (e.g. `$3`). */
function expiredLockSql(alias: string, nowParam: string): string {
  return `${alias}.status = 'locked' AND ${alias}.lock_reason = 'failed_logins' AND ${alias}.locked_until <= ${nowParam}`;
}

/** SQL expression of `effectiveStatus` over the columns of `alias` (users or account_directory). */
export function effectiveStatusSql(alias: string, nowParam: string): string {
  return `CASE WHEN ${expiredLockSql(alias, nowParam)} THEN 'active' ELSE ${alias}.status END`;
}

/** SQL expression of `effectiveLockReason` over the columns of `alias`. */
export function effectiveLockReasonSql(alias: string, nowParam: string): string {
  return `CASE WHEN ${expiredLockSql(alias, nowParam)} THEN NULL ELSE ${alias}.lock_reason END`;
}

// --- what the MyPatients team may do to an account (issue 16; state diagram in docs/identity.md) ---

/** A registration still `pending_email` this long after it was made is released (API.md v1.1). */
export const UNVERIFIED_RELEASE_MS = 7 * 24 * 60 * 60 * 1000;

/** Registrations made at or before this instant can no longer be verified and hold nothing. */
export function unverifiedCutoff(now: Date): Date {
  return new Date(now.getTime() - UNVERIFIED_RELEASE_MS);
}

export type StaffAccountAction = 'lock' | 'deactivate' | 'reactivate' | 'reset_mfa' | 'resend_link';

/** The facts a staff action's rule reads (stored; made effective here). */
export interface AdministeredFacts extends AccountStatusFacts {
  hospitalId: string | null;
  createdAt: Date;
}

/**
 * Why the team may not apply `action` to an account in this state (409), or null when it may:
 * - lock: active, invited, or under a failed-sign-in lock (a validation lock is the sponsor's to end,
 *   so a staff lock never replaces it);
 * - deactivate: anything not yet deactivated; reactivate: only a deactivated account;
 * - reset_mfa: a local account that is active or locked (hospital accounts have neither: `not_applicable`);
 * - resend_link: a registration awaiting its email (within the seven days) or an invited account.
 */
export function staffActionRefusal(
  action: StaffAccountAction,
  target: AdministeredFacts,
  now: Date,
): ProblemException | null {
  const { status, lockReason } = effectiveFacts(target, now);
  const refuse = (detail: string) => conflict('invalid_state', detail, { currentStatus: status });
  switch (action) {
    case 'lock':
      if (
        status === 'active' ||
        status === 'invited' ||
        (status === 'locked' && lockReason === 'failed_logins')
      )
        return null;
      return refuse(
        status === 'locked'
          ? `This account is already locked (${lockReason}).`
          : `A ${status} account cannot be locked.`,
      );
    case 'deactivate':
      return status === 'deactivated' ? refuse('This account is already deactivated.') : null;
    case 'reactivate':
      return status === 'deactivated' ? null : refuse('Only a deactivated account can be reactivated.');
    case 'reset_mfa':
      if (target.hospitalId)
        return conflict(
          'not_applicable',
          'This account signs in through the hospital: it has no password or authenticator here.',
        );
      return status === 'active' || status === 'locked'
        ? null
        : refuse(`A ${status} account has no sign-in to reset.`);
    case 'resend_link':
      if (status === 'invited') return null;
      if (status === 'pending_email') {
        return target.createdAt.getTime() > unverifiedCutoff(now).getTime()
          ? null
          : refuse('This registration was not verified within seven days; the person registers again.');
      }
      return refuse('Nothing on this account awaits a link.');
  }
}
