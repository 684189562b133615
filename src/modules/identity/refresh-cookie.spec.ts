import { ProblemException } from '../../common/errors/problem.js';
import { REFRESH_COOKIE, refreshCookieOptions, refreshTokenFrom } from './refresh-cookie.js';

describe('refresh-token cookie', () => {
  it('is HttpOnly and SameSite=Strict on /api/v1/auth everywhere, Secure only in production', () => {
    for (const nodeEnv of ['development', 'test', 'production'] as const) {
      expect(refreshCookieOptions({ nodeEnv })).toMatchObject({
        httpOnly: true,
        sameSite: 'strict',
        path: '/api/v1/auth',
        secure: nodeEnv === 'production',
      });
    }
  });

  it('takes the body field first, else the cookie; neither is validation_failed', () => {
    expect(refreshTokenFrom('from-body', `${REFRESH_COOKIE}=from-cookie`)).toBe('from-body');
    expect(refreshTokenFrom(undefined, `a=1; ${REFRESH_COOKIE}=from%2Dcookie; b=2`)).toBe('from-cookie');
    for (const cookie of [
      undefined,
      '',
      'a=1',
      `${REFRESH_COOKIE}=`,
      `${REFRESH_COOKIE}=${'x'.repeat(201)}`,
    ]) {
      let thrown: unknown;
      try {
        refreshTokenFrom(undefined, cookie);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ProblemException);
      expect((thrown as ProblemException).code).toBe('validation_failed');
    }
  });
});
