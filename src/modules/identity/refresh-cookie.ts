import type { CookieSerializeOptions } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ValidationProblem } from '../../common/errors/problem.js';
import type { AppConfig } from '../../config/app-config.js';
import { SESSION_ABSOLUTE_MS } from './auth/session.service.js';
import { cookieValue } from './sso/sso-cookie.js';

/**
 * The web app's refresh token lives in this cookie, never in script-readable storage (API.md v1.1
 * "Sign-in changes for the web app"). CSRF: SameSite=Strict (no cross-site request carries it) and
 * the path `/api/v1/auth` (only the sign-in routes see it; no data route accepts it), see SECURITY.md.
 */
export const REFRESH_COOKIE = 'mp_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

/** Set-Cookie of the routes that answer tokens, for their OpenAPI response. */
export const REFRESH_COOKIE_HEADER = {
  'Set-Cookie': {
    description: `\`${REFRESH_COOKIE}=<refresh token>; Path=${REFRESH_COOKIE_PATH}; HttpOnly; SameSite=Strict\` (and \`Secure\` in production)`,
    schema: { type: 'string' },
  },
};

/** Sets cookies on a response: the HTTP adapter's platform-neutral `setCookie`/`clearCookie` (Max-Age in seconds). */
export type CookieWriter = Pick<AbstractHttpAdapter, 'setCookie' | 'clearCookie'>;

export function refreshCookieOptions(config: Pick<AppConfig, 'nodeEnv'>): CookieSerializeOptions {
  // Max-Age is the session's absolute lifetime: the server refuses the token sooner if the session ends.
  return {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.nodeEnv === 'production',
    path: REFRESH_COOKIE_PATH,
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  };
}

/** Sets the cookie from tokens just issued (POST /auth/mfa, /auth/refresh, /auth/sso/exchange) and passes them through. */
export function withRefreshCookie<T extends { refreshToken: string }>(
  cookies: CookieWriter,
  res: unknown,
  config: Pick<AppConfig, 'nodeEnv'>,
  tokens: T,
): T {
  cookies.setCookie(res, REFRESH_COOKIE, tokens.refreshToken, refreshCookieOptions(config));
  return tokens;
}

/** Removes the cookie (POST /auth/logout). */
export function clearRefreshCookie(
  cookies: CookieWriter,
  res: unknown,
  config: Pick<AppConfig, 'nodeEnv'>,
): void {
  const { maxAge: _maxAge, ...options } = refreshCookieOptions(config);
  cookies.clearCookie(res, REFRESH_COOKIE, options);
}

/** The refresh token of POST /auth/refresh: the body field when given (v1), else the cookie; neither is 400 `validation_failed`. */
export function refreshTokenFrom(bodyToken: string | undefined, cookieHeader: string | undefined): string {
  const token = bodyToken || cookieValue(cookieHeader, REFRESH_COOKIE);
  if (!token || token.length > 200) {
    throw new ValidationProblem([
      {
        field: 'refreshToken',
        message: 'refreshToken should not be empty (send it in the body or the cookie)',
      },
    ]);
  }
  return token;
}
