import { createHash } from 'node:crypto';
import {
  addMonthsClamped,
  hashInvitationToken,
  invitationExpiry,
  issueInvitationToken,
  looksLikeInvitationToken,
} from './invitation-token.js';

describe('invitation tokens', () => {
  it('are URL-safe and carry 256 bits of randomness (43 base64url characters)', () => {
    const { token } = issueInvitationToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(looksLikeInvitationToken(token)).toBe(true);
  });

  it('do not repeat across many draws', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(issueInvitationToken().token);
    expect(seen.size).toBe(5000);
  });

  it('are stored as their SHA-256 in hex, never as themselves', () => {
    const { token, hash } = issueInvitationToken();
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token);
    expect(hashInvitationToken(token)).toBe(hash);
    expect(hashInvitationToken(`${token}x`)).not.toBe(hash);
  });

  it('refuses input that cannot be a token before any lookup', () => {
    expect(looksLikeInvitationToken('short')).toBe(false);
    expect(looksLikeInvitationToken('a'.repeat(129))).toBe(false);
    expect(looksLikeInvitationToken('abc def ghi jkl mno pqr')).toBe(false);
    expect(looksLikeInvitationToken('abcdefghijklmnop+/==')).toBe(false);
  });
});

describe('six calendar months, month ends clamped', () => {
  it.each([
    ['2026-01-15', '2026-07-15'],
    ['2026-08-31', '2027-02-28'],
    ['2027-08-31', '2028-02-29'], // leap year
    ['2026-08-30', '2027-02-28'],
    ['2026-08-29', '2027-02-28'],
    ['2026-12-31', '2027-06-30'],
    ['2026-07-31', '2027-01-31'],
    ['2026-03-31', '2026-09-30'],
    ['2026-02-28', '2026-08-28'],
    ['2028-02-29', '2028-08-29'],
  ])('%s + 6 months = %s', (from, to) => {
    expect(addMonthsClamped(from, 6)).toBe(to);
  });

  it('handles negative and multi-year offsets', () => {
    expect(addMonthsClamped('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonthsClamped('2026-01-31', 25)).toBe('2028-02-29');
  });
});

describe('invitation expiry in hospital time', () => {
  it('runs to the end of the hospital day six months on (issued in EDT, expiring in EST)', () => {
    // 2026-05-05 14:00 EDT -> works through 2026-11-05, i.e. until 2026-11-06 00:00 EST.
    const e = invitationExpiry(new Date('2026-05-05T18:00:00Z'));
    expect(e.validThrough).toBe('2026-11-05');
    expect(e.expiresAt.toISOString()).toBe('2026-11-06T05:00:00.000Z');
  });

  it('issued in EST, expiring in EDT', () => {
    // 2026-09-15 is EDT, 2027-03-15 is after the 2027-03-14 spring-forward: midnight 03-16 is 04:00Z.
    const e = invitationExpiry(new Date('2026-12-15T17:00:00Z'));
    expect(e.validThrough).toBe('2027-06-15');
    expect(e.expiresAt.toISOString()).toBe('2027-06-16T04:00:00.000Z');
    const f = invitationExpiry(new Date('2026-09-15T16:00:00Z'));
    expect(f.validThrough).toBe('2027-03-15');
    expect(f.expiresAt.toISOString()).toBe('2027-03-16T04:00:00.000Z');
  });

  it('uses the hospital date, not the UTC date, late in the evening', () => {
    // 2026-08-31 23:30 EDT is 2026-09-01 03:30Z: still issued on Aug 31 in hospital time.
    const e = invitationExpiry(new Date('2026-09-01T03:30:00Z'));
    expect(e.validThrough).toBe('2027-02-28');
    expect(e.expiresAt.toISOString()).toBe('2027-03-01T05:00:00.000Z');
  });

  it('is stable across the daylight-saving change days themselves', () => {
    // Issued on the spring-forward day (2026-03-08) and on the fall-back day (2026-11-01, 01:30 EST, the repeated hour).
    expect(invitationExpiry(new Date('2026-03-08T12:00:00Z')).expiresAt.toISOString()).toBe(
      '2026-09-09T04:00:00.000Z',
    );
    expect(invitationExpiry(new Date('2026-11-01T06:30:00Z')).validThrough).toBe('2027-05-01');
    expect(invitationExpiry(new Date('2026-11-01T06:30:00Z')).expiresAt.toISOString()).toBe(
      '2027-05-02T04:00:00.000Z',
    );
    // Expiring on a change day: works through 2027-03-14 (spring forward) until 2027-03-15 00:00 EDT.
    expect(invitationExpiry(new Date('2026-09-14T15:00:00Z')).expiresAt.toISOString()).toBe(
      '2027-03-15T04:00:00.000Z',
    );
    // Works through 2027-11-07 (fall back) until 2027-11-08 00:00 EST.
    expect(invitationExpiry(new Date('2027-05-07T15:00:00Z')).expiresAt.toISOString()).toBe(
      '2027-11-08T05:00:00.000Z',
    );
  });

  it('always lands on hospital midnight, between 178 days and 185 days + one DST hour after issue', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let h = 0; h < 24 * 800; h += 7) {
      const issued = new Date(start + h * 3600_000);
      const { expiresAt } = invitationExpiry(issued);
      const days = (expiresAt.getTime() - issued.getTime()) / 86_400_000;
      expect(days).toBeGreaterThan(178);
      expect(days).toBeLessThanOrEqual(185 + 1 / 24);
      // Always hospital midnight.
      expect(
        new Intl.DateTimeFormat('en-US', {
          timeZone: 'America/New_York',
          hourCycle: 'h23',
          hour: '2-digit',
          minute: '2-digit',
        }).format(expiresAt),
      ).toBe('00:00');
    }
  });
});
