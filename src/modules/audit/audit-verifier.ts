import { timingSafeEqual } from 'node:crypto';
import { checkpointSignatureValid, link, type AuditKeyRing, type SignedCheckpoint } from './audit-link.js';
import type { DataSource } from 'typeorm';
import { AuditSealsRepository, type TrailRow } from './audit-seals.repository.js';

/**
 * `npm run audit:verify`'s logic (docs/audit.md, "Verification"): recomputes every link with the
 * key and checks the trail against every checkpoint written outside the database.
 */
export interface TrailSource {
  trailBatch(afterId: string, limit: number): Promise<TrailRow[]>;
  firstOrphanSeal(): Promise<string | undefined>;
}

export type VerifyStatus = 'intact' | 'broken' | 'cannot_verify';

export interface VerifyReport {
  status: VerifyStatus;
  /** Sealed entries whose link was recomputed. */
  sealed: number;
  /** Entries after the last seal (not yet sealed: reported, not broken). */
  unsealed: number;
  head: { id: string; link: string } | null;
  checkpoints: number;
  newestCheckpoint: { lastId: string; at: string } | null;
  /** The first broken entry, when the break is at an entry. */
  brokenAt?: string;
  problem?: string;
}

const BATCH = 5000;

/** The trail of the database behind `dataSource` (for scripts/audit-verify.ts and tests). */
export function trailOf(dataSource: DataSource): TrailSource {
  return new AuditSealsRepository(dataSource);
}

const equalHex = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export async function verifyAuditTrail(
  source: TrailSource,
  ring: AuditKeyRing,
  checkpoints: SignedCheckpoint[],
): Promise<VerifyReport> {
  const report: VerifyReport = {
    status: 'intact',
    sealed: 0,
    unsealed: 0,
    head: null,
    checkpoints: checkpoints.length,
    newestCheckpoint: null,
  };
  const fail = (status: VerifyStatus, problem: string, brokenAt?: string): VerifyReport =>
    Object.assign(report, { status, problem, brokenAt });

  for (const c of checkpoints) {
    if (!checkpointSignatureValid(ring, c)) {
      return fail(
        'cannot_verify',
        `checkpoint ${c.lastId} (${c.at}) does not verify with the configured key${ring.keys.has(c.keyId) ? '' : ` (it names key ${c.keyId}, which is not configured)`}: wrong AUDIT_HMAC_KEY, or a forged checkpoint`,
      );
    }
  }
  // Checkpoints in id order, merged with the walk below.
  const expected = [...checkpoints].sort((a, b) =>
    BigInt(a.lastId) < BigInt(b.lastId) ? -1 : BigInt(a.lastId) > BigInt(b.lastId) ? 1 : 0,
  );
  const newest = expected[expected.length - 1];
  report.newestCheckpoint = newest ? { lastId: newest.lastId, at: newest.at } : null;

  const orphan = await source.firstOrphanSeal();
  let next = 0;
  let previous: string | null = null;
  let firstUnsealed: string | null = null;
  let after = '0';
  for (;;) {
    const batch = await source.trailBatch(after, BATCH);
    if (!batch.length) break;
    for (const row of batch) {
      if (orphan !== undefined && BigInt(orphan) < BigInt(row.id)) {
        return fail('broken', `entry ${orphan} was removed (its seal remains)`, orphan);
      }
      if (row.link === null) {
        firstUnsealed ??= row.id;
        report.unsealed++;
        continue;
      }
      if (firstUnsealed !== null) {
        return fail(
          'broken',
          `entry ${firstUnsealed} is not sealed but the later entry ${row.id} is (its seal was removed, or it was inserted afterwards)`,
          firstUnsealed,
        );
      }
      const key = row.keyId ? ring.keys.get(row.keyId.trim()) : undefined;
      if (!key)
        return fail(
          'cannot_verify',
          `entry ${row.id} was sealed with key ${row.keyId}, which is not configured`,
        );
      const recomputed = link(key, previous, row.canonical);
      if (!equalHex(recomputed, row.link.trim())) {
        return fail(
          'broken',
          `entry ${row.id} does not match its seal (it was changed, or an entry before it was removed or inserted)`,
          row.id,
        );
      }
      previous = recomputed;
      report.sealed++;
      report.head = { id: row.id, link: recomputed };
      for (; next < expected.length && BigInt(expected[next].lastId) <= BigInt(row.id); next++) {
        const c = expected[next];
        if (c.lastId !== row.id)
          return fail(
            'broken',
            `checkpoint ${c.lastId} (${c.at}) names an entry that is no longer in the trail`,
            c.lastId,
          );
        if (!equalHex(c.link, recomputed) || c.count !== report.sealed) {
          return fail(
            'broken',
            `the trail differs from checkpoint ${c.lastId} (${c.at}): entries up to it were changed, removed or re-sealed`,
            c.lastId,
          );
        }
      }
    }
    after = batch[batch.length - 1].id;
  }
  if (orphan !== undefined) return fail('broken', `entry ${orphan} was removed (its seal remains)`, orphan);
  if (next < expected.length) {
    const c = expected[next];
    return fail(
      'broken',
      `the trail ends before checkpoint ${c.lastId} (${c.at}, ${c.count} entries): entries were removed`,
    );
  }
  if (report.sealed > 0 && !expected.length) {
    return fail(
      'cannot_verify',
      'no checkpoints found: a removed tail could not be seen (check AUDIT_CHECKPOINT_DIR)',
    );
  }
  return report;
}
