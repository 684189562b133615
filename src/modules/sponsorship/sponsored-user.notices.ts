import type { NotificationRequest } from '../notifications/index.js';

/** The one email a deactivated sponsored user gets, whichever workflow removed them. */
export function deactivatedNotice(
  user: { id: string; email: string; firstName: string; lastName: string },
  replaced: boolean,
): NotificationRequest<'sponsored-user-deactivated'> {
  return {
    template: 'sponsored-user-deactivated',
    to: user.email,
    data: { firstName: user.firstName, lastName: user.lastName, replaced },
    idempotencyKey: `sponsored-user-deactivated:${user.id}`,
  };
}

/** Session revoke reason when a sponsor removes a sponsored user. */
export const DEACTIVATED = { reason: 'deactivated' } as const;
