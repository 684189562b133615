/** Kinds, statuses, lock reasons and staff roles of an account (identity's `users` table and the auth principal). */
export const USER_KINDS = ['provider', 'sponsored', 'staff'] as const;
export type UserKind = (typeof USER_KINDS)[number];

export const USER_STATUSES = [
  'pending_email',
  'pending_approval',
  'invited',
  'active',
  'locked',
  'deactivated',
  'rejected',
] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const LOCK_REASONS = ['validation_overdue', 'failed_logins', 'staff'] as const;
export type LockReason = (typeof LOCK_REASONS)[number];

/** What a staff account may do (API.md v1.1 "Staff: roles"): accounts and queues, audit reports, staff accounts. */
export const STAFF_ROLES = ['team', 'privacy', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
