import { bearerToken } from './access-token.verifier.js';

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
