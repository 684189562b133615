/** The rules of a sponsor's keep/remove decisions on a validation (pure; the service applies them). */
import { badRequest } from '../../common/errors/problem.js';

/** One decision per user (ids case-insensitive); two different decisions for one user are refused. */
export function decisionsByUser(decisions: Array<{ userId: string; keep: boolean }>): Map<string, boolean> {
  const byUser = new Map<string, boolean>();
  decisions.forEach((d, i) => {
    const id = d.userId.toLowerCase();
    if (byUser.has(id) && byUser.get(id) !== d.keep) {
      throw badRequest('validation_failed', 'The decisions contradict each other.', {
        errors: [{ field: `decisions.${i}.userId`, message: 'this user has two different decisions' }],
      });
    }
    byUser.set(id, d.keep);
  });
  return byUser;
}

/** Every decision names a listed user (else `validation_failed`) and every listed user has one (else `incomplete_decisions`). */
export function assertDecidesEveryListedUser(
  listed: ReadonlyArray<{ id: string }>,
  byUser: Map<string, boolean>,
): void {
  const listedIds = new Set(listed.map((u) => u.id));
  const unknown = [...byUser.keys()].filter((id) => !listedIds.has(id));
  if (unknown.length) {
    throw badRequest('validation_failed', 'Some decisions name users who are not on this validation.', {
      errors: unknown.map((id) => ({ field: 'decisions', message: `user ${id} is not on this validation` })),
    });
  }
  const missing = listed.filter((u) => !byUser.has(u.id)).map((u) => u.id);
  if (missing.length) {
    throw badRequest('incomplete_decisions', 'Decide to keep or remove every listed user.', {
      missingUserIds: missing,
    });
  }
}
