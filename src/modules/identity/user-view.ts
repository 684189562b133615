import type { EntityManager } from 'typeorm';

/** The account as `GET /me` (and the sign-in responses) show it. */
export interface UserView {
  id: string;
  kind: string;
  email: string;
  firstName: string;
  lastName: string;
  npi: string | null;
  practice: { id: string; name: string } | null;
  isSponsor: boolean;
  status: string;
  lockReason: string | null;
  hospitalCredentialed: boolean;
}

/** Loads the view; a sponsored user's practice is their sponsor's. */
export async function loadUserView(manager: EntityManager, userId: string, now: Date): Promise<UserView | null> {
  const rows: Array<Record<string, unknown>> = await manager.query(
    `SELECT u.id, u.kind, u.email, u.first_name, u.last_name, u.npi, u.is_sponsor, u.hospital_id,
            CASE WHEN u.status = 'locked' AND u.lock_reason = 'failed_logins' AND u.locked_until <= $2 THEN 'active' ELSE u.status END AS status,
            CASE WHEN u.status = 'locked' AND u.lock_reason = 'failed_logins' AND u.locked_until <= $2 THEN NULL ELSE u.lock_reason END AS lock_reason,
            p.id AS practice_id, p.name AS practice_name
       FROM users u
       LEFT JOIN users s ON s.id = u.sponsor_id
       LEFT JOIN practices p ON p.id = COALESCE(u.practice_id, s.practice_id)
      WHERE u.id = $1`,
    [userId, now],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id as string,
    kind: r.kind as string,
    email: r.email as string,
    firstName: r.first_name as string,
    lastName: r.last_name as string,
    npi: (r.npi as string | null) ?? null,
    practice: r.practice_id ? { id: r.practice_id as string, name: r.practice_name as string } : null,
    isSponsor: r.is_sponsor as boolean,
    status: r.status as string,
    lockReason: (r.lock_reason as string | null) ?? null,
    hospitalCredentialed: r.hospital_id !== null,
  };
}
