import {
  effectiveLockReason,
  effectiveLockReasonSql,
  effectiveStatus,
  effectiveStatusSql,
  isExpiredLock,
  maySignIn,
  mayUseRoute,
  routeRefusal,
  routeRefusalOf,
  signInRefusal,
  type AccountStatusFacts,
} from './account-status.policy.js';
import { LOCK_REASONS, USER_STATUSES, type LockReason, type UserStatus } from './entities/user.entity.js';

const NOW = new Date('2026-11-16T15:00:00Z');
const PAST = new Date(NOW.getTime() - 1);
const FUTURE = new Date(NOW.getTime() + 60_000);
const EXPIRIES = { none: null, past: PAST, exactlyNow: NOW, future: FUTURE } as const;
type Expiry = keyof typeof EXPIRIES;

/** Every combination the table can hold: status × lock reason (or none) × lock end × sponsor or not. */
const CASES: Array<{
  status: UserStatus;
  lockReason: LockReason | null;
  expiry: Expiry;
  isSponsor: boolean;
}> = [];
for (const status of USER_STATUSES)
  for (const lockReason of [null, ...LOCK_REASONS])
    for (const expiry of Object.keys(EXPIRIES) as Expiry[])
      for (const isSponsor of [false, true]) CASES.push({ status, lockReason, expiry, isSponsor });

const facts = (c: (typeof CASES)[number]): AccountStatusFacts => ({
  status: c.status,
  lockReason: c.lockReason,
  lockedUntil: EXPIRIES[c.expiry],
  isSponsor: c.isSponsor,
});
const name = (c: (typeof CASES)[number]) =>
  `${c.status}/${c.lockReason ?? 'no reason'}/lock end ${c.expiry}/${c.isSponsor ? 'sponsor' : 'not sponsor'}`;

/** The rule written out plainly, to check the policy against. */
function expected(c: (typeof CASES)[number]) {
  const expired =
    c.status === 'locked' &&
    c.lockReason === 'failed_logins' &&
    (c.expiry === 'past' || c.expiry === 'exactlyNow');
  const status = expired ? 'active' : c.status;
  const lockReason = expired ? null : c.lockReason;
  const lockedSponsor = status === 'locked' && lockReason === 'validation_overdue' && c.isSponsor;
  return {
    expired,
    status,
    lockReason,
    signIn: status === 'active' || lockedSponsor,
    route: status === 'active',
    lockedSponsorRoute: status === 'active' || lockedSponsor,
  };
}

describe('account status policy', () => {
  it.each(CASES.map((c) => [name(c), c] as const))(
    '%s: effective status, sign-in and route access follow the rule',
    (_, c) => {
      const want = expected(c);
      const f = facts(c);
      expect(isExpiredLock(f, NOW)).toBe(want.expired);
      expect(effectiveStatus(f, NOW)).toBe(want.status);
      expect(effectiveLockReason(f, NOW)).toBe(want.lockReason);
      expect(maySignIn(f, NOW)).toBe(want.signIn);
      expect(mayUseRoute(f, NOW, false)).toBe(want.route);
      expect(mayUseRoute(f, NOW, true)).toBe(want.lockedSponsorRoute);
      // The guard's variant over facts already made effective agrees.
      expect(
        routeRefusalOf(
          { status: want.status as UserStatus, lockReason: want.lockReason, isSponsor: c.isSponsor },
          true,
        ) === null,
      ).toBe(want.lockedSponsorRoute);
    },
  );

  it('answers each refused sign-in with its catalogued code', () => {
    const code = (status: UserStatus, lockReason: LockReason | null = null) =>
      signInRefusal({ status, lockReason, isSponsor: false }, NOW)?.code;
    expect(code('locked', 'staff')).toBe('account_locked');
    expect(code('locked', 'validation_overdue')).toBe('account_locked');
    expect(code('deactivated')).toBe('account_deactivated');
    expect(code('rejected')).toBe('account_rejected');
    expect(code('pending_email')).toBe('account_pending');
    expect(code('pending_approval')).toBe('account_pending');
    expect(code('invited')).toBe('account_pending');
    expect(
      signInRefusal(
        { status: 'locked', lockReason: 'failed_logins', lockedUntil: FUTURE, isSponsor: false },
        NOW,
      )?.extra,
    ).toEqual({ lockReason: 'failed_logins' });
  });

  it('answers each refused route with the guard’s code (a rejected account reads as pending there)', () => {
    const code = (status: UserStatus, lockReason: LockReason | null = null) =>
      routeRefusal({ status, lockReason, isSponsor: true }, NOW, false)?.code;
    expect(code('locked', 'validation_overdue')).toBe('account_locked');
    expect(code('deactivated')).toBe('account_deactivated');
    expect(code('rejected')).toBe('account_pending');
    expect(code('invited')).toBe('account_pending');
  });

  it('writes the same rule as SQL over a table alias and a time parameter', () => {
    expect(effectiveStatusSql('u', '$3')).toBe(
      `CASE WHEN u.status = 'locked' AND u.lock_reason = 'failed_logins' AND u.locked_until <= $3 THEN 'active' ELSE u.status END`,
    );
    expect(effectiveLockReasonSql('a', '$1')).toBe(
      `CASE WHEN a.status = 'locked' AND a.lock_reason = 'failed_logins' AND a.locked_until <= $1 THEN NULL ELSE a.lock_reason END`,
    );
  });
});
