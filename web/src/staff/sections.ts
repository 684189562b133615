/**
 * The console's pages and the staff roles that may open them: shared by the navigation (main
 * chunk) and the console (its own chunk), so this file imports nothing.
 */
export type Role = 'team' | 'privacy' | 'admin';
export const ROLES: Role[] = ['team', 'privacy', 'admin'];

export interface ConsoleSection {
  to: string;
  label: string;
  roles: Role[];
}

export const CONSOLE_SECTIONS: ConsoleSection[] = [
  { to: '/staff', label: 'Today', roles: ['team'] },
  { to: '/staff/registrations', label: 'Registrations', roles: ['team'] },
  { to: '/staff/pcp-updates', label: 'PCP updates', roles: ['team'] },
  { to: '/staff/users', label: 'Users', roles: ['team', 'admin'] },
  { to: '/staff/invitations', label: 'Invitations', roles: ['team'] },
  { to: '/staff/patients', label: 'Patients', roles: ['team', 'privacy'] },
  { to: '/staff/help-desk', label: 'Help desk', roles: ['team'] },
  { to: '/staff/practice-changes', label: 'Practice changes', roles: ['team'] },
  { to: '/staff/validations', label: 'Validations', roles: ['team'] },
  { to: '/staff/email-jobs', label: 'Email and jobs', roles: ['team'] },
  { to: '/staff/privacy', label: 'Privacy', roles: ['privacy'] },
];

/** A staff account's roles from GET /me (none listed: `team`, as v1 accounts were). */
export function rolesOf(roles: string[] | undefined): Set<Role> {
  const list = (roles ?? []).filter((r): r is Role => r === 'team' || r === 'privacy' || r === 'admin');
  return new Set(list.length ? list : ['team']);
}

export function allowedSections(roles: Set<Role>): ConsoleSection[] {
  return CONSOLE_SECTIONS.filter((s) => s.roles.some((r) => roles.has(r)));
}
