// Pre-issued invitation tokens for the token-validation scenario, written straight into the
// invitations table the way InvitationsService.issue stores them (SHA-256 hex of a 32-byte
// base64url token; expiry six months out), so that every request spends a fresh token. A token is
// bound to its recipient's email (issue 17): each is addressed to the viewer who will validate it.
import { randomToken, sha256Hex } from './lib.mjs';

/**
 * Issues `count` tokens spread over `viewers` (providers), each for a distinct random patient per
 * viewer. Returns [{ viewer, token, mrn, patientId }] in a shuffled order.
 */
export async function issueInvitationTokens(ctx, viewers, count) {
  const { db } = ctx;
  const { rows: total } = await db.query(`SELECT count(*)::int AS n FROM patients`);
  const n = total[0].n;
  // Distinct patients: a random stride walk over the patient ordinals (md5 ids, see dataset.mjs).
  const start = Math.floor(Math.random() * n);
  const ordinals = Array.from({ length: count }, (_, k) => (start + k * 7919) % n);
  const tokens = ordinals.map(() => randomToken(32));
  const { rows } = await db.query(
    `WITH t AS (SELECT * FROM unnest($1::int[], $2::text[]) WITH ORDINALITY AS t(ord, hash, k))
     INSERT INTO invitations (patient_id, token_hash, recipient_email, issued_by_kind, created_at, expires_at)
     SELECT md5('patient:' || t.ord)::uuid, t.hash, e.emails[1 + ((t.k - 1) % cardinality(e.emails))], 'portal', now(), now() + interval '6 months'
       FROM t CROSS JOIN (SELECT $3::text[] AS emails) e ORDER BY t.k
     RETURNING patient_id, token_hash, recipient_email`,
    [ordinals, tokens.map((t) => sha256Hex(t)), viewers.map((v) => v.email)],
  );
  const patientByHash = new Map(rows.map((r) => [r.token_hash, r.patient_id]));
  // Token k (1-based ordinality) went to viewers[(k - 1) % n]: the same viewer validates it.
  const { rows: mrns } = await db.query(`SELECT id, mrn FROM patients WHERE id = ANY($1::uuid[])`, [
    [...patientByHash.values()],
  ]);
  const mrnById = new Map(mrns.map((r) => [r.id, r.mrn]));
  const out = tokens.map((token, k) => {
    const patientId = patientByHash.get(sha256Hex(token));
    return { viewer: viewers[k % viewers.length], token, patientId, mrn: mrnById.get(patientId) };
  });
  return out;
}
