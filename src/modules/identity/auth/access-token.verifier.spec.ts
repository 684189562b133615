import { JwtService } from '@nestjs/jwt';
import { AccessTokenSignature, bearerToken, VerifiedTokens } from './access-token.verifier.js';

describe('bearerToken', () => {
  it('takes the token of a Bearer header, whatever the scheme’s case', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('BEARER  abc.def.ghi ')).toBe('abc.def.ghi');
  });

  it('refuses other schemes, a missing token and a header with two tokens', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwdw==',
      'Token abc',
      'Bearer a b',
      'xBearer abc',
    ]) {
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

describe('AccessTokenSignature', () => {
  const config = {
    jwtSecret: 'a-secret-of-at-least-32-characters-here',
    jwtIssuer: 'mypatients',
    jwtAudience: 'mypatients-api',
  };
  const jwt = new JwtService();
  const sign = (
    payload: object,
    options: {
      secret?: string;
      issuer?: string;
      audience?: string;
      expiresIn?: number;
      algorithm?: 'HS256' | 'HS512';
    } = {},
  ) =>
    jwt.sign(payload, {
      secret: options.secret ?? config.jwtSecret,
      issuer: options.issuer ?? config.jwtIssuer,
      audience: options.audience ?? config.jwtAudience,
      expiresIn: options.expiresIn ?? 900,
      algorithm: options.algorithm ?? 'HS256',
    });

  it('gives the claims of its own token, from the header whatever the scheme’s case', () => {
    const signature = new AccessTokenSignature(config);
    const token = sign({ sub: 'u1', sid: 's1', kind: 'provider' });
    expect(signature.check(token)).toEqual({ sub: 'u1', sid: 's1', kind: 'provider' });
    expect(signature.ofHeader(`bearer ${token}`)).toEqual({ sub: 'u1', sid: 's1', kind: 'provider' });
  });

  it('refuses another secret, issuer, audience or algorithm, an expired token and one without a session', () => {
    const signature = new AccessTokenSignature(config);
    const claims = { sub: 'u1', sid: 's1', kind: 'provider' };
    for (const token of [
      sign(claims, { secret: 'another-secret-of-at-least-32-characters' }),
      sign(claims, { issuer: 'someone-else' }),
      sign(claims, { audience: 'another-api' }),
      sign(claims, { algorithm: 'HS512' }),
      sign(claims, { expiresIn: -10 }),
      sign({ sub: 'u1', kind: 'provider' }),
      'not.a.token',
    ]) {
      expect(signature.check(token)).toBeUndefined();
    }
    expect(signature.ofHeader(undefined)).toBeUndefined();
    expect(signature.ofHeader(`Basic ${sign(claims)}`)).toBeUndefined();
  });
});
