import { conflict, forbidden, type ProblemException } from '../../common/errors/problem.js';
import { STAFF_ROLES, type StaffRole, type UserKind } from './entities/user.entity.js';

/** A staff route needs `team` unless it names its roles (API.md v1.1 "Staff: roles"). */
export const DEFAULT_STAFF_ROLES: readonly StaffRole[] = ['team'];

/** Every role: the bootstrap account is created with all of them. */
export const ALL_STAFF_ROLES: readonly StaffRole[] = STAFF_ROLES;

/**
 * The roles a route needs (any one suffices), or null when it needs none: routes restricted to
 * staff (`@StaffOnly()`) default to `team`; routes that also admit other kinds need no role.
 */
export function requiredRoles(
  kinds: readonly UserKind[] | undefined,
  declared: readonly StaffRole[] | undefined,
): readonly StaffRole[] | null {
  if (declared && declared.length > 0) return declared;
  if (kinds && kinds.length === 1 && kinds[0] === 'staff') return DEFAULT_STAFF_ROLES;
  return null;
}

/** Why this caller may not use a route needing `required` (403 `forbidden`), or null when they may. */
export function roleRefusal(
  caller: { kind: UserKind; roles?: readonly StaffRole[] },
  required: readonly StaffRole[] | null,
): ProblemException | null {
  if (!required) return null;
  if (caller.kind !== 'staff') return forbidden('forbidden', 'Your account may not use this route.');
  const held = caller.roles ?? [];
  if (required.some((role) => held.includes(role))) return null;
  return forbidden('forbidden', `This route needs the staff role ${required.join(' or ')}.`);
}

export function hasRole(caller: { kind: UserKind; roles?: readonly StaffRole[] }, role: StaffRole): boolean {
  return caller.kind === 'staff' && (caller.roles ?? []).includes(role);
}

/** Roles as stored: known ones only, each once, in the catalogue's order. */
export function normalizeRoles(roles: readonly string[]): StaffRole[] {
  return STAFF_ROLES.filter((role) => roles.includes(role));
}

/**
 * Whether this staff member may act on this account at all: nobody acts on their own account
 * (409 `invalid_state`), and acting on a staff account needs `admin` (403 `forbidden`).
 */
export function administrationRefusal(
  actor: { id: string; kind: UserKind; roles?: readonly StaffRole[] },
  target: { id: string; kind: UserKind },
  options: { adminOnStaff: boolean } = { adminOnStaff: true },
): ProblemException | null {
  if (actor.id === target.id) return conflict('invalid_state', 'Nobody may do this to their own account.');
  if (options.adminOnStaff && target.kind === 'staff' && !hasRole(actor, 'admin')) {
    return forbidden('forbidden', 'Acting on a staff account needs the admin role.');
  }
  return null;
}

/** Would this change leave no active admin? (`admins`: the ids of the active admins, row-locked.) */
export function removesLastAdmin(admins: readonly string[], targetId: string): boolean {
  return admins.includes(targetId) && admins.length === 1;
}
