import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's response headers for these options, worked out once. With static options (no CSP
 * nonces) helmet sets the same headers on every response, so we ask it once, at start, against a
 * recording response, instead of building helmet's middleware chain on every request as
 * @fastify/helmet does (~2% of the app's CPU per request under load: BENCHMARKS.md).
 */
export function securityHeaders(options: Readonly<HelmetOptions> = {}): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as never, recorder as never, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return Object.freeze(headers);
}

/** A Fastify `onRequest` hook that puts `headers` on every response (errors and 404s included). */
export function securityHeadersHook(headers: Readonly<Record<string, string>>) {
  return function applySecurityHeaders(_req: FastifyRequest, reply: FastifyReply, done: () => void): void {
    reply.headers(headers);
    done();
  };
}
