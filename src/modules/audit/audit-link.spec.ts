import { checkpointSignatureValid, keyId, keyRing, link, signCheckpoint } from './audit-link.js';

const KEY = 'unit-test-audit-key-0123456789abcdef';
const OTHER = 'another-unit-test-key-0123456789abcdef';

describe('audit links and checkpoints', () => {
  it('links each entry to the previous link with the key: another key, content or predecessor gives another link', () => {
    const first = link(KEY, null, '["1","a"]');
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(link(KEY, null, '["1","a"]')).toBe(first);
    expect(link(OTHER, null, '["1","a"]')).not.toBe(first);
    expect(link(KEY, null, '["1","b"]')).not.toBe(first);
    expect(link(KEY, first, '["2","a"]')).not.toBe(link(KEY, null, '["2","a"]'));
  });

  it('names keys by a keyed fingerprint, not the key', () => {
    expect(keyId(KEY)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyId(KEY)).not.toBe(keyId(OTHER));
    expect(KEY).not.toContain(keyId(KEY));
  });

  it('signs checkpoints: any changed field or another key fails the signature; old keys of the ring still verify', () => {
    const ring = keyRing(KEY);
    const c = signCheckpoint(ring, {
      lastId: '42',
      link: 'a'.repeat(64),
      count: 42,
      at: '2026-12-01T10:00:00.000Z',
    });
    expect(checkpointSignatureValid(ring, c)).toBe(true);
    expect(checkpointSignatureValid(ring, { ...c, lastId: '41' })).toBe(false);
    expect(checkpointSignatureValid(ring, { ...c, count: 41 })).toBe(false);
    expect(checkpointSignatureValid(ring, { ...c, link: 'b'.repeat(64) })).toBe(false);
    expect(checkpointSignatureValid(keyRing(OTHER), c)).toBe(false);
    expect(checkpointSignatureValid(keyRing(OTHER, [KEY]), c)).toBe(true);
  });
});
