import { bearerToken, VerifiedTokens } from './access-token.verifier.js';

describe('bearerToken', () => {
  it('takes the token of a Bearer header, whatever the scheme’s case', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('BEARER  abc.def.ghi ')).toBe('abc.def.ghi');
  });

  it('refuses other schemes, a missing token and a header with two tokens', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwdw==', 'Token abc', 'Bearer a b', 'xBearer abc']) {
      expect(bearerToken(header)).toBeUndefined();
    }
  });
});

const claims = (sub: string) => ({ sub, sid: `s-${sub}`, kind: 'provider' });

describe('VerifiedTokens', () => {
  it('gives back a remembered token until its expiry, then forgets it', () => {
    const kept = new VerifiedTokens();
    kept.remember('t1', claims('a'), 1_000);
    expect(kept.get('t1', 999)).toEqual(claims('a'));
    expect(kept.get('t1', 1_000)).toBeUndefined();
    expect(kept.size).toBe(0);
  });

  it('knows nothing of a token it was not given (even one differing by a character)', () => {
    const kept = new VerifiedTokens();
    kept.remember('token-a', claims('a'), 10_000);
    expect(kept.get('token-b', 0)).toBeUndefined();
  });

  it('stays within its capacity, dropping the oldest first', () => {
    const kept = new VerifiedTokens(2);
    kept.remember('t1', claims('1'), 10_000);
    kept.remember('t2', claims('2'), 10_000);
    kept.remember('t3', claims('3'), 10_000);
    expect(kept.size).toBe(2);
    expect(kept.get('t1', 0)).toBeUndefined();
    expect(kept.get('t3', 0)).toEqual(claims('3'));
  });
});
