// The bare baseline: plain node:http + pg, no framework, doing the same database work per request
// as the app's routes (JWT check with node:crypto HMAC, the guard's prepared principal query, the
// access decision and reads, audit inserts, the rate-limiter reads/writes in Redis), with the app's
// own SQL (bench/hot-path-sql.mjs: captured from dist/, passed in BENCH_SQL_FILE). Only what the
// benchmark measures.
//
// env: PORT, DATABASE_URL, JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE, REDIS_URL, REDIS_PREFIX, BENCH_SQL_FILE
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Redis } from 'ioredis';
import pg from 'pg';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { loadHotPathSql } from './hot-path-sql.mjs';

// What-if (BENCH_PREPARED=1, `npm run bench -- --what-if=prepared`): every statement but
// transaction control as a named prepared statement, planned once per connection.
if (process.env.BENCH_PREPARED === '1') {
  const original = pg.Client.prototype.query;
  const names = new Map();
  pg.Client.prototype.query = function (config, values, callback) {
    if (typeof config === 'string' && !/^(BEGIN|START|COMMIT|ROLLBACK)/.test(config)) {
      let name = names.get(config);
      if (!name) names.set(config, (name = `q${names.size}`));
      const cb = typeof values === 'function' ? values : callback;
      const vals = typeof values === 'function' ? undefined : values;
      return original.call(this, { name, text: config, values: vals }, cb);
    }
    return original.call(this, config, values, callback);
  };
}

const SQL = await loadHotPathSql(
  process.env.BENCH_SQL_FILE ? JSON.parse(readFileSync(process.env.BENCH_SQL_FILE, 'utf8')) : undefined,
);
const secret = process.env.JWT_SECRET;
const issuer = process.env.JWT_ISSUER ?? 'mypatients';
const audience = process.env.JWT_AUDIENCE ?? 'mypatients-api';
// Same pool as the app (src/database/database-options.ts: extra.max 20, idle connections kept 5 minutes).
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: 20,
  idleTimeoutMillis: 300_000,
  allowExitOnIdle: true,
  application_name: 'mypatients-bench-baseline',
});

// The same limiter library, rules and commands as RateLimiterService (consume / get), under the
// baseline's own key prefix so the two servers do not share counters.
const redisClient = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  lazyConnect: false,
  maxRetriesPerRequest: 1,
});
const redisPrefix = `${process.env.REDIS_PREFIX ?? 'mypatients'}-baseline`;
const limiters = new Map();
const limiter = (name, points, duration) => {
  let l = limiters.get(name);
  if (!l) {
    l = new RateLimiterRedis({
      storeClient: redisClient,
      keyPrefix: `${redisPrefix}:rl:${name}`,
      points,
      duration,
      useRedisPackage: false,
    });
    limiters.set(name, l);
  }
  return l;
};
const limits = {
  async consume(name, points, duration, key) {
    try {
      await limiter(name, points, duration).consume(key);
    } catch (e) {
      if (e instanceof Error) return; // Redis unavailable: fail open, as the app does.
      throw new HttpError(429, 'rate_limited');
    }
  },
  async check(name, points, duration, key) {
    let res;
    try {
      res = await limiter(name, points, duration).get(key);
    } catch {
      return;
    }
    if (res && res.consumedPoints >= points) throw new HttpError(429, 'rate_limited');
  },
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class HttpError extends Error {
  constructor(status, code, extra = {}) {
    super(code);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

function send(res, status, body, type = 'application/json; charset=utf-8') {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function problem(res, err) {
  send(
    res,
    err.status,
    { status: err.status, title: err.code, detail: err.message, code: err.code, ...err.extra },
    'application/problem+json',
  );
}

/** HS256 verification (alg pinned, signature, exp, iss, aud) like passport-jwt with the app's options. */
function verifyJwt(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts;
  const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  if (header.alg !== 'HS256') return null;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now) return null;
  if (claims.iss !== issuer) return null;
  if (claims.aud !== audience && !(Array.isArray(claims.aud) && claims.aud.includes(audience))) return null;
  return claims;
}

async function authenticate(req) {
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer (.+)$/i.exec(auth);
  const claims = m ? verifyJwt(m[1]) : null;
  if (!claims || typeof claims.sub !== 'string' || typeof claims.sid !== 'string')
    throw new HttpError(401, 'unauthenticated');
  const now = new Date();
  // SessionsRepository.findPrincipal: one prepared statement (name and text from dist/).
  const { rows } = await pool
    .query({ name: SQL.principal.name, text: SQL.principal.text, values: [claims.sid, claims.sub, now] })
    .catch(() => ({ rows: [] }));
  const row = rows[0];
  if (!row || row.revoked_at || row.expires_at <= now) throw new HttpError(401, 'unauthenticated');
  if (row.status !== 'active') throw new HttpError(403, 'account_locked');
  return row;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 1024 * 1024) reject(new HttpError(413, 'payload_too_large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {});
      } catch {
        reject(new HttpError(400, 'validation_failed'));
      }
    });
    req.on('error', reject);
  });
}

const routes = SQL.routes;

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/health') return send(res, 200, { status: 'ok' });
    const m = /^\/api\/v1\/(.+)$/.exec(url.pathname);
    if (!m) throw new HttpError(404, 'not_found');
    const path = m[1];
    const user = await authenticate(req);
    let out;
    if (req.method === 'GET' && path === 'patients') {
      out = await routes.search({ pool, user, query: url.searchParams, HttpError, limits });
    } else if (req.method === 'GET' && /^patients\/[^/]+$/.test(path)) {
      const id = path.split('/')[1];
      if (!UUID_RE.test(id)) throw new HttpError(404, 'not_found');
      out = await routes.summary({ pool, user, patientId: id, query: url.searchParams, HttpError });
    } else if (req.method === 'GET' && /^patients\/[^/]+\/documents$/.test(path)) {
      const id = path.split('/')[1];
      if (!UUID_RE.test(id)) throw new HttpError(404, 'not_found');
      out = await routes.documents({ pool, user, patientId: id, query: url.searchParams, HttpError });
    } else if (req.method === 'POST' && path === 'tokens/validate') {
      const body = await readBody(req);
      out = await routes.validateToken({ pool, user, body, HttpError, limits });
    } else {
      throw new HttpError(404, 'not_found');
    }
    send(res, out.status ?? 200, out.body);
  } catch (err) {
    if (err instanceof HttpError) return problem(res, err);
    console.error(err);
    send(res, 500, { status: 500, code: 'internal' }, 'application/problem+json');
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 3901), '127.0.0.1');

const shutdown = () =>
  server.close(() => Promise.all([pool.end(), redisClient.quit()]).then(() => process.exit(0)));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
