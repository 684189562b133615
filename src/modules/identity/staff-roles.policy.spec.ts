import {
  staffActionRefusal,
  UNVERIFIED_RELEASE_MS,
  type AdministeredFacts,
  type StaffAccountAction,
} from './account-status.policy.js';
import { USER_STATUSES, type LockReason, type UserStatus } from './entities/user.entity.js';
import {
  administrationRefusal,
  normalizeRoles,
  removesLastAdmin,
  requiredRoles,
  roleRefusal,
} from './staff-roles.policy.js';

const NOW = new Date('2026-11-16T15:00:00Z');
const code = (p: { code: string } | null) => p?.code ?? null;

describe('staff roles', () => {
  it('a staff-only route needs team unless it names its roles; routes open to other kinds need none', () => {
    expect(requiredRoles(['staff'], undefined)).toEqual(['team']);
    expect(requiredRoles(['staff'], ['admin'])).toEqual(['admin']);
    expect(requiredRoles(['provider', 'sponsored'], undefined)).toBeNull();
    expect(requiredRoles(undefined, undefined)).toBeNull();
  });

  it('any one of the required roles suffices; none of them (or not staff) is 403 forbidden', () => {
    expect(roleRefusal({ kind: 'staff', roles: ['privacy'] }, ['team', 'privacy'])).toBeNull();
    expect(code(roleRefusal({ kind: 'staff', roles: ['admin'] }, ['team']))).toBe('forbidden');
    expect(code(roleRefusal({ kind: 'staff', roles: [] }, ['team']))).toBe('forbidden');
    expect(code(roleRefusal({ kind: 'staff' }, ['team']))).toBe('forbidden');
    expect(code(roleRefusal({ kind: 'provider', roles: ['team'] }, ['team']))).toBe('forbidden');
    expect(roleRefusal({ kind: 'provider' }, null)).toBeNull();
  });

  it('nobody acts on their own account; acting on staff needs admin (unless the route says not)', () => {
    const team = { id: 'a', kind: 'staff' as const, roles: ['team' as const] };
    expect(code(administrationRefusal(team, { id: 'a', kind: 'staff' }))).toBe('invalid_state');
    expect(code(administrationRefusal(team, { id: 'b', kind: 'staff' }))).toBe('forbidden');
    expect(administrationRefusal(team, { id: 'b', kind: 'staff' }, { adminOnStaff: false })).toBeNull();
    expect(administrationRefusal(team, { id: 'b', kind: 'provider' })).toBeNull();
    expect(administrationRefusal({ ...team, roles: ['admin'] }, { id: 'b', kind: 'staff' })).toBeNull();
  });

  it('the last admin is the only active admin', () => {
    expect(removesLastAdmin(['x'], 'x')).toBe(true);
    expect(removesLastAdmin(['x', 'y'], 'x')).toBe(false);
    expect(removesLastAdmin(['y'], 'x')).toBe(false);
  });

  it('stores known roles once, in catalogue order', () => {
    expect(normalizeRoles(['admin', 'team', 'admin', 'root'])).toEqual(['team', 'admin']);
  });
});

describe('what the team may do to an account in each state', () => {
  const facts = (
    status: UserStatus,
    lockReason: LockReason | null = null,
    extra: Partial<AdministeredFacts> = {},
  ): AdministeredFacts => ({
    status,
    lockReason,
    lockedUntil: null,
    isSponsor: false,
    hospitalId: null,
    createdAt: new Date(NOW.getTime() - 1000),
    ...extra,
  });
  const allowed = (action: StaffAccountAction) =>
    [
      ...USER_STATUSES.filter((s) => s !== 'locked').map((s) => facts(s)),
      facts('locked', 'failed_logins', { lockedUntil: new Date(NOW.getTime() + 60_000) }),
      facts('locked', 'staff'),
      facts('locked', 'validation_overdue'),
    ]
      .filter((f) => staffActionRefusal(action, f, NOW) === null)
      .map((f) => (f.status === 'locked' ? `locked/${f.lockReason}` : f.status));

  it('lock: active, invited or a failed-sign-in lock — never over a validation or staff lock', () => {
    expect(allowed('lock')).toEqual(['invited', 'active', 'locked/failed_logins']);
    expect(staffActionRefusal('lock', facts('locked', 'validation_overdue'), NOW)?.code).toBe(
      'invalid_state',
    );
    // An expired failed-sign-in lock counts as an active account.
    expect(
      staffActionRefusal('lock', facts('locked', 'failed_logins', { lockedUntil: NOW }), NOW),
    ).toBeNull();
  });

  it('deactivate anything not deactivated; reactivate only a deactivated account', () => {
    expect(allowed('deactivate')).not.toContain('deactivated');
    expect(allowed('deactivate')).toHaveLength(8); // 6 statuses besides locked, 3 kinds of lock, minus deactivated
    expect(allowed('reactivate')).toEqual(['deactivated']);
  });

  it('reset MFA: a local account that is active or locked; a hospital account is not_applicable', () => {
    expect(allowed('reset_mfa')).toEqual([
      'active',
      'locked/failed_logins',
      'locked/staff',
      'locked/validation_overdue',
    ]);
    expect(staffActionRefusal('reset_mfa', facts('active', null, { hospitalId: 'CH1' }), NOW)?.code).toBe(
      'not_applicable',
    );
  });

  it('resend a link: invited, or awaiting the email within seven days of registering', () => {
    expect(allowed('resend_link')).toEqual(['pending_email', 'invited']);
    const old = facts('pending_email', null, { createdAt: new Date(NOW.getTime() - UNVERIFIED_RELEASE_MS) });
    expect(staffActionRefusal('resend_link', old, NOW)?.code).toBe('invalid_state');
  });
});
