import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The keyed links of the audit trail (docs/audit.md). Each sealed entry's link is
 * `HMAC-SHA-256(key, previousLink || canonical(entry))` (hex; the first entry's previous link is
 * empty), so whoever lacks the key cannot recompute a link after changing, inserting or removing an
 * entry. The key never goes to the database; `keyId` (a keyed fingerprint) names it in seals and
 * checkpoints so several keys can be told apart after a rotation.
 */
export interface AuditKeyRing {
  /** Key id → key; `current` seals. */
  keys: Map<string, string>;
  current: string;
}

export function keyId(key: string): string {
  return createHmac('sha256', key).update('mypatients-audit-key-id').digest('hex').slice(0, 16);
}

export function keyRing(current: string, previous: string[] = []): AuditKeyRing {
  const keys = new Map<string, string>();
  for (const key of [current, ...previous]) keys.set(keyId(key), key);
  return { keys, current: keyId(current) };
}

export function link(key: string, previousLink: string | null, canonical: string): string {
  return createHmac('sha256', key)
    .update(previousLink ?? '', 'utf8')
    .update(canonical, 'utf8')
    .digest('hex');
}

/** A checkpoint of the trail's head, written outside the database after each sealed batch. */
export interface Checkpoint {
  lastId: string;
  link: string;
  /** Entries sealed from the first up to `lastId`. */
  count: number;
  at: string;
  keyId: string;
}

export interface SignedCheckpoint extends Checkpoint {
  sig: string;
}

function checkpointMac(key: string, c: Checkpoint): string {
  return createHmac('sha256', key)
    .update('mypatients-audit-checkpoint\n')
    .update(JSON.stringify([c.lastId, c.link, c.count, c.at, c.keyId]))
    .digest('hex');
}

export function signCheckpoint(ring: AuditKeyRing, c: Omit<Checkpoint, 'keyId'>): SignedCheckpoint {
  const key = ring.keys.get(ring.current)!;
  const body: Checkpoint = { lastId: c.lastId, link: c.link, count: c.count, at: c.at, keyId: ring.current };
  return { ...body, sig: checkpointMac(key, body) };
}

/** True when the checkpoint was signed by one of the ring's keys. */
export function checkpointSignatureValid(ring: AuditKeyRing, c: SignedCheckpoint): boolean {
  const key = ring.keys.get(c.keyId);
  if (!key || typeof c.sig !== 'string' || !/^[0-9a-f]{64}$/.test(c.sig)) return false;
  return timingSafeEqual(Buffer.from(checkpointMac(key, c), 'hex'), Buffer.from(c.sig, 'hex'));
}
