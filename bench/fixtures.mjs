// What the scenarios send: signed-in users (sessions rows + JWTs signed with the app's secret and
// claims, so no password/TOTP round trip), the patients each may or may not see (classified by
// the project's own access-decision SQL), and single-use invitation tokens.
import { createHash, randomUUID } from 'node:crypto';
import { signJwt } from './lib.mjs';

/** Samples active viewers: providers and sponsored users (whose sponsor is an active provider). */
export async function createViewers(db, { providers, sponsored, jwt }) {
  const { rows } = await db.query(
    `(SELECT u.id, u.kind, u.email FROM users u
       WHERE u.kind = 'provider' AND u.status = 'active' ORDER BY md5(u.id::text || 'bench') LIMIT $1)
     UNION ALL
     (SELECT u.id, u.kind, u.email FROM users u JOIN users s ON s.id = u.sponsor_id AND s.status = 'active'
       WHERE u.kind = 'sponsored' AND u.status = 'active' ORDER BY md5(u.id::text || 'bench') LIMIT $2)`,
    [providers, sponsored],
  );
  const now = new Date();
  const sessions = rows.map((r) => ({ ...r, sid: randomUUID() }));
  await db.query(
    `INSERT INTO sessions (id, user_id, created_at, last_active_at, expires_at, method)
     SELECT s, u, $3, $3, $3::timestamptz + interval '12 hours', 'password_totp' FROM unnest($1::uuid[], $2::uuid[]) AS t(s, u)`,
    [sessions.map((s) => s.sid), sessions.map((s) => s.id), now],
  );
  return sessions.map((s) => ({
    id: s.id,
    kind: s.kind,
    email: s.email,
    sid: s.sid,
    token: signJwt({ sub: s.id, sid: s.sid, kind: s.kind }, jwt),
  }));
}

/**
 * For each viewer: patients they may see (with the basis, from the project's decideMany SQL) and
 * patients they may not. Candidates: their practice's PCP patients, their care-team patients,
 * their grants, and random patients.
 */
export async function classifyPatients(db, viewers, decideManySql, { perViewer = 6 } = {}) {
  const out = new Map();
  const ids = viewers.map((v) => v.id);
  const { rows: candidates } = await db.query(
    `WITH v AS (
       SELECT x.id, x.kind, x.npi, CASE WHEN x.kind = 'provider' THEN x.practice_id ELSE sp.practice_id END AS practice_id
         FROM users x LEFT JOIN users sp ON sp.id = x.sponsor_id WHERE x.id = ANY($1::uuid[]))
     SELECT v.id AS viewer, c.id AS patient
       FROM v
       CROSS JOIN LATERAL (
         (SELECT p.id FROM patients p
           WHERE p.pcp_npi IN (SELECT m.npi FROM users m WHERE m.practice_id = v.practice_id AND m.kind = 'provider' AND m.npi IS NOT NULL
                               UNION ALL SELECT r.npi FROM practice_roster r WHERE r.practice_id = v.practice_id)
           LIMIT $2)
         UNION ALL
         (SELECT c.patient_id FROM care_team_members c WHERE v.kind = 'provider' AND c.npi = v.npi LIMIT 2)
         UNION ALL
         (SELECT g.patient_id FROM access_grants g WHERE g.user_id = v.id AND g.revoked_at IS NULL AND g.expires_at > now() LIMIT 2)
       ) c(id)`,
    [ids, perViewer],
  );
  const byViewer = new Map(viewers.map((v) => [v.id, new Set()]));
  for (const c of candidates) byViewer.get(c.viewer).add(c.patient);
  // Random patients (mostly ones the viewer may not see): ids follow the dataset's md5 scheme.
  const { rows: total } = await db.query(`SELECT count(*)::int AS n FROM patients`);
  for (const v of viewers) {
    for (let k = 0; k < perViewer; k++)
      byViewer.get(v.id).add(patientUuid(Math.floor(Math.random() * total[0].n)));
  }
  for (const v of viewers) {
    const { rows } = await db.query(
      `SELECT d."patientId" AS id, d.basis, p.mrn, p.has_portal_account FROM (${decideManySql}) d JOIN patients p ON p.id = d."patientId"`,
      [v.id, [...byViewer.get(v.id)], new Date()],
    );
    out.set(v.id, {
      allowed: rows.filter((r) => r.basis).map((r) => ({ id: r.id, mrn: r.mrn, basis: r.basis })),
      denied: rows
        .filter((r) => !r.basis)
        .map((r) => ({ id: r.id, mrn: r.mrn, portal: r.has_portal_account })),
    });
  }
  return out;
}

/** md5('patient:' || i)::uuid, as the dataset loader derives patient ids. */
export function patientUuid(i) {
  const h = createHash('md5').update(`patient:${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
