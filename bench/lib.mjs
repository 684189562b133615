// Shared helpers of the benchmark (plain ESM, runs against the production build in dist/).
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(BENCH_DIR, '..');
export const DIST = join(ROOT, 'dist');

export function requireBuild() {
  if (!existsSync(join(DIST, 'src', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm run bench does it).');
  }
}

/** Import a module of the production build by its path under dist/ (e.g. 'src/database/prepare-database.js'). */
export async function importDist(path) {
  requireBuild();
  return import(join(DIST, path));
}

/** Import a module of the build when it exists (a capability another engineer builds), else null. */
export async function importDistIfPresent(path) {
  if (!existsSync(join(DIST, path))) return null;
  return import(join(DIST, path));
}

export const args = new Set(process.argv.slice(2));
export const QUICK = args.has('--quick');

/** The server hosting the bench databases (the maintenance database of it). */
export const PG_HOST_URL =
  process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function dbUrl(name) {
  const url = new URL(PG_HOST_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export const log = (...parts) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A valid NPI from nine digits: Luhn check digit computed with the 80840 prefix (as test/factories makeNpi). */
export function npiFromNine(nine) {
  const digits = `80840${nine}`.split('').map(Number);
  let sum = 0;
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits[i];
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${nine}${(10 - (sum % 10)) % 10}`;
}

export const sha256Hex = (s) => createHash('sha256').update(s, 'utf8').digest('hex');
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

const b64url = (buf) => Buffer.from(buf).toString('base64url');

/** HS256 JWT with the claims SessionService signs (sub, sid, kind; iss, aud, iat, exp). */
export function signJwt(claims, { secret, issuer, audience, ttlSeconds }) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({ ...claims, iat: now, exp: now + ttlSeconds, aud: audience, iss: issuer }),
  );
  const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}

export function percentile(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
