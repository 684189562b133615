/**
 * Verification of the audit trail's hash chain (see migrations/*-AuditAppendOnlyChain.ts).
 * The recomputation is spelled out here rather than calling the database's own
 * `audit_event_canonical`, so a replaced function cannot hide a change.
 */
export type Query = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

export interface ChainBreak {
  id: string;
  reason: 'hash_mismatch' | 'prev_hash_mismatch';
  detail: string;
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  /** The last row's id and hash: keep them outside the database to detect truncation of the tail. */
  head: { id: string; hash: string } | null;
  firstBreak: ChainBreak | null;
}

const BATCH = 5000;

export const RECOMPUTE_SQL = `
  SELECT id::text AS id, prev_hash AS "prevHash", hash,
         encode(sha256(convert_to(coalesce(prev_hash, '') ||
           jsonb_build_array(id::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                             actor_id::text, actor_kind, action, patient_id::text, basis, outcome, details)::text,
           'UTF8')), 'hex') AS recomputed
    FROM audit_events
   WHERE audit_events.id > $1::bigint
   ORDER BY audit_events.id
   LIMIT ${BATCH}`;

/** Walks the whole chain in id order, in batches, and reports the first broken link. */
export async function verifyAuditChain(query: Query): Promise<ChainReport> {
  let after = '0';
  let previousHash: string | null = null;
  let checked = 0;
  let head: ChainReport['head'] = null;
  for (;;) {
    const rows = (await query(RECOMPUTE_SQL, [after])) as Array<{
      id: string;
      prevHash: string | null;
      hash: string;
      recomputed: string;
    }>;
    if (!rows.length) break;
    for (const row of rows) {
      if ((row.prevHash ?? null) !== previousHash) {
        return {
          ok: false,
          checked,
          head,
          firstBreak: {
            id: row.id,
            reason: 'prev_hash_mismatch',
            detail: `row ${row.id} points to ${row.prevHash ?? 'nothing'} but the previous row's hash is ${previousHash ?? 'nothing'} (a row before it was removed or changed)`,
          },
        };
      }
      if (row.recomputed !== row.hash) {
        return {
          ok: false,
          checked,
          head,
          firstBreak: {
            id: row.id,
            reason: 'hash_mismatch',
            detail: `row ${row.id} does not match its hash (its content was changed)`,
          },
        };
      }
      previousHash = row.hash;
      head = { id: row.id, hash: row.hash };
      checked++;
    }
    after = rows[rows.length - 1].id;
  }
  return { ok: true, checked, head, firstBreak: null };
}

/** True when the entry `id` is still in the chain with `hash` (a head noted earlier: detects removal of the tail). */
export async function chainHasHead(query: Query, head: { id: string; hash: string }): Promise<boolean> {
  if (!/^\d{1,19}$/.test(head.id)) return false;
  const found = await query(`SELECT hash FROM audit_events WHERE id = $1::bigint`, [head.id]);
  return found.length > 0 && found[0].hash === head.hash;
}
