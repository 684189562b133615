// Benchmark of the sponsor validation jobs at scale (50,000 sponsors, 500,000 sponsored users).
//
//   npm run build && node bench/sponsorship-jobs.mjs [--sponsors 50000] [--users-each 10] [--keep] [--drain]
//
// Creates a scratch database (DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432),
// migrates it, generates the data set-based (INSERT … SELECT generate_series), boots the compiled
// application (dist/) as an application context, and runs `sponsor-validation-open` (asOf
// 2027-04-01) and `sponsor-validation-enforce` (asOf 2027-05-01) through JobsService.run — the
// same path as the staff route and the cron queue — then each again (must affect 0). Prints one
// JSON object with seconds per step and the process's peak RSS. The app's email sender (outbox relay →
// Bull → the development mailbox: no SMTP_URL) runs alongside, as in production; `--drain` then waits
// until every recorded email is sent and reports how long that took (`drain`), failing on any loss.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SPONSORS = opt('sponsors', 50_000);
const USERS_EACH = opt('users-each', 10);
const KEEP = args.includes('--keep');
// --drain: afterwards, wait until the app's sender (running all along, as in production) has sent every email recorded.
const DRAIN = args.includes('--drain');

const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const dbName = `mp_bench_sponsorship_${process.pid}`;
const adminUrl = new URL(serverUrl);
adminUrl.pathname = '/postgres';
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${dbName}`;

const seconds = (start) => Math.round((performance.now() - start) / 10) / 100;
const result = { sponsors: SPONSORS, sponsoredUsers: SPONSORS * USERS_EACH, database: dbName };

const admin = new pg.Client({ connectionString: adminUrl.toString() });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${dbName}`);

let app;
try {
  const { runMigrations } = await import('../dist/src/database/prepare-database.js');
  await runMigrations(benchUrl.toString());

  const db = new pg.Client({ connectionString: benchUrl.toString() });
  await db.connect();
  let t0 = performance.now();
  const practices = Math.max(1, Math.ceil(SPONSORS / 10));
  await db.query(
    `INSERT INTO practices (name, search_name, address, city, phone, fax)
     SELECT 'Practice ' || g, 'practice ' || g, g || ' Main St', 'Boston', '617-555-0100', '617-555-0101'
       FROM generate_series(1, $1::int) g`,
    [practices],
  );
  await db.query(
    `INSERT INTO users (kind, email, first_name, last_name, npi, practice_id, is_sponsor, status)
     SELECT 'provider', 'sponsor' || g || '@bench.test', 'Sponsor', 'Number' || g, lpad(g::text, 9, '0') || '0',
            p.id, true, 'active'
       FROM generate_series(1, $1::int) g
       JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM practices) p ON p.k = g % $2::int`,
    [SPONSORS, practices],
  );
  await db.query(
    `INSERT INTO users (kind, email, first_name, last_name, practice_id, sponsor_id, sponsored_role, status)
     SELECT 'sponsored', 'member' || g || '-' || s.n || '@bench.test', 'Member', 'Number' || g, s.practice_id, s.id, 'other', 'active'
       FROM (SELECT id, practice_id, row_number() OVER () AS n FROM users WHERE is_sponsor) s,
            generate_series(1, $1::int) g`,
    [USERS_EACH],
  );
  await db.query('VACUUM ANALYZE');
  result.seedSeconds = seconds(t0);
  await db.end();

  Object.assign(process.env, {
    NODE_ENV: 'development',
    DATABASE_URL: benchUrl.toString(),
    REDIS_PREFIX: `bench:${process.pid}`,
    CRON_ENABLED: 'false',
    LOG_LEVEL: 'silent',
  });
  const { AppModule } = await import('../dist/src/app.module.js');
  const { JobsService } = await import('../dist/src/modules/jobs/jobs.service.js');
  app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  const jobs = app.get(JobsService);

  const timed = async (name, asOf) => {
    const start = performance.now();
    const { affected } = await jobs.run(name, asOf);
    return { seconds: seconds(start), affected };
  };
  result.open = await timed('sponsor-validation-open', '2027-04-01');
  result.openAgain = await timed('sponsor-validation-open', '2027-04-01');
  result.remind = await timed('sponsor-validation-remind', '2027-04-17');
  result.enforce = await timed('sponsor-validation-enforce', '2027-05-01');
  result.enforceAgain = await timed('sponsor-validation-enforce', '2027-05-01');

  const check = new pg.Client({ connectionString: benchUrl.toString() });
  await check.connect();
  const { rows } = await check.query(
    `SELECT (SELECT count(*)::int FROM sponsor_validations) AS validations,
            (SELECT count(*)::int FROM sponsor_validation_users) AS listed,
            (SELECT count(*)::int FROM users WHERE lock_reason = 'validation_overdue') AS locked,
            (SELECT count(*)::int FROM notifications) AS notifications`,
  );
  result.rows = rows[0];
  if (DRAIN) {
    const start = performance.now();
    const statuses = async () =>
      Object.fromEntries(
        (await check.query(`SELECT status, count(*)::int AS n FROM notifications GROUP BY status`)).rows.map((r) => [r.status, r.n]),
      );
    let counts = await statuses();
    const sentBefore = counts.sent ?? 0;
    for (const deadline = start + 3_600_000; (counts.sent ?? 0) + (counts.failed ?? 0) < result.rows.notifications && performance.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 1000));
      counts = await statuses();
    }
    const secs = seconds(start);
    result.drain = { seconds: secs, statuses: counts, sentBefore, emailsPerSecond: Math.round(((counts.sent ?? 0) - sentBefore) / Math.max(0.01, secs)) };
    if ((counts.sent ?? 0) !== result.rows.notifications) process.exitCode = 1;
  }
  await check.end();
} finally {
  if (app) await app.close();
  if (!KEEP) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
result.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(JSON.stringify(result, null, 2));
