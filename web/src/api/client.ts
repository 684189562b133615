import createClient, { type Middleware } from 'openapi-fetch';
import type { pendingPaths } from './pending';
import { ApiError, toApiError } from './problem';
import type { paths } from './schema';
import type { Tokens } from './types';

type Merge<K extends string> = K extends keyof paths
  ? K extends keyof pendingPaths
    ? Omit<paths[K], keyof pendingPaths[K]> & pendingPaths[K]
    : paths[K]
  : K extends keyof pendingPaths
    ? pendingPaths[K]
    : never;

/** Every route the app may call: the server's document (generated) plus the contract's pending ones. */
export type ApiPaths = { [K in (keyof paths | keyof pendingPaths) & string]: Merge<K> };

/**
 * The access token lives in this module only (memory): never in localStorage, sessionStorage or a
 * readable cookie. The refresh token is never kept by the app: it travels in the HttpOnly,
 * SameSite=Strict cookie the server sets on `/api/v1/auth` (API.md v1.1), out of reach of scripts.
 */
let accessToken: string | null = null;
let onSignedOut: (() => void) | null = null;
let refreshing: Promise<boolean> | null = null;

export function setTokens(tokens: Tokens | null): void {
  accessToken = tokens?.accessToken ?? null;
}

export function hasAccessToken(): boolean {
  return accessToken !== null;
}

export function onSessionLost(callback: (() => void) | null): void {
  onSignedOut = callback;
}

const NO_AUTH = /\/api\/v1\/auth\/(login|mfa|refresh|register|verify-email|activate|password|sso)/;

/** One refresh at a time: the cookie → a new access token (and a rotated cookie). */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: '{}',
      });
      if (!res.ok) return false;
      const tokens = (await res.json()) as Tokens;
      if (!tokens.accessToken) return false;
      setTokens({ accessToken: tokens.accessToken });
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

const auth: Middleware = {
  onRequest({ request }) {
    if (accessToken && !NO_AUTH.test(new URL(request.url, location.origin).pathname)) {
      request.headers.set('Authorization', `Bearer ${accessToken}`);
    }
    return request;
  },
};

async function fetchWithRefresh(input: Request): Promise<Response> {
  const retry = input.clone();
  const res = await fetch(input);
  const path = new URL(input.url, location.origin).pathname;
  if (res.status !== 401 || NO_AUTH.test(path) || !accessToken) return res;
  if (await refreshSession()) {
    retry.headers.set('Authorization', `Bearer ${accessToken}`);
    return fetch(retry);
  }
  setTokens(null);
  onSignedOut?.();
  return res;
}

export const api = createClient<ApiPaths>({
  // Absolute (the page's origin): Request objects need one outside browsers (component tests).
  baseUrl: typeof location === 'undefined' ? '' : location.origin,
  credentials: 'same-origin',
  headers: { Accept: 'application/json, application/problem+json' },
  fetch: fetchWithRefresh,
});
api.use(auth);

/** Unwraps an openapi-fetch answer: the data as the contract's type, or throws an ApiError. */
export async function call<T>(
  pending: Promise<{ data?: unknown; error?: unknown; response: Response }>,
): Promise<T> {
  let result;
  try {
    result = await pending;
  } catch (error) {
    throw toApiError(error);
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const body = error && typeof error === 'object' ? error : {};
    throw new ApiError({ status: response.status, ...(body as object) });
  }
  return data as T;
}
