// Benchmark of the sponsor validation jobs at scale (50,000 sponsors, 500,000 sponsored users).
//
//   npm run build && node bench/sponsorship-jobs.mjs [--sponsors 50000] [--users-each 10] [--keep] [--drain] [--packed] [--batch 5000]
//
// Creates a scratch database (DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432),
// migrates it, generates the data set-based (INSERT … SELECT generate_series), boots the compiled
// application (dist/) as an application context, and runs `sponsor-validation-open` (asOf
// 2027-04-01) and `sponsor-validation-enforce` (asOf 2027-05-01) through JobsService.run — the
// same path as the staff route and the cron queue — then each again (must affect 0). Prints one
// JSON object with seconds per step and the process's peak RSS. The app's email sender (outbox relay →
// Bull → the development mailbox: no SMTP_URL) runs alongside, as in production; `--drain` then waits
// until every recorded email is sent and reports how long that took (`drain`), failing on any loss.
// The data set is laid out as a production table would be: sponsored users carry a password hash and
// were created over time (inserted in random order, so a sponsor's users are spread over many pages).
// `users` is seeded with the fillfactor the migrations give it (as after a rewrite: a new database,
// or VACUUM FULL / pg_repack after the fillfactor migration); `--packed` seeds it with full pages
// instead (fillfactor 100, then set back): a database migrated without that rewrite.
// `statements` in the output: seconds and calls of each job statement (the repository methods),
// `cpu`: the process's CPU seconds per job (Node: the job's and the sender's work together);
// `postgresCpu`: the CPU seconds PostgreSQL spent meanwhile (this database's backends, WAL writer,
// checkpointer): compare these between runs, wall-clock seconds move with the machine's load.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { readFileSync } from 'node:fs';
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
// --packed: users' pages full (fillfactor 100 while seeding), as an existing database before its rewrite.
const PACKED = args.includes('--packed');
// --batch N: JOB_BATCH_SIZE (sponsors/validations per committed batch; the app's default 5000). With
// --sponsors 5000 --batch 500 each batch touches a tenth of the table, as a batch of the full run does.
const BATCH = opt('batch', undefined);

const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const dbName = `mp_bench_sponsorship_${process.pid}`;
const adminUrl = new URL(serverUrl);
adminUrl.pathname = '/postgres';
const benchUrl = new URL(serverUrl);
benchUrl.pathname = `/${dbName}`;

const seconds = (start) => Math.round((performance.now() - start) / 10) / 100;
const result = {
  sponsors: SPONSORS,
  sponsoredUsers: SPONSORS * USERS_EACH,
  layout: PACKED ? 'packed' : 'as migrated',
  database: dbName,
};
// An argon2id hash's length (97 characters): a signed-up account's row is this much wider than an invited one's.
const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$' + 'c2FsdHNhbHRzYWx0c2FsdA' + '$' + 'h'.repeat(43);

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
  const fillfactor = async () =>
    (
      await db.query(`SELECT coalesce((SELECT option_value FROM pg_options_to_table(reloptions) WHERE option_name = 'fillfactor'), '100') AS f
                       FROM pg_class WHERE oid = 'users'::regclass`)
    ).rows[0].f;
  const migratedFillfactor = await fillfactor();
  result.usersFillfactor = PACKED ? `100 while seeding, then ${migratedFillfactor}` : migratedFillfactor;
  if (PACKED) await db.query('ALTER TABLE users SET (fillfactor = 100)');
  let t0 = performance.now();
  const practices = Math.max(1, Math.ceil(SPONSORS / 10));
  await db.query(
    `INSERT INTO practices (name, search_name, address, city, phone, fax)
     SELECT 'Practice ' || g, 'practice ' || g, g || ' Main St', 'Boston', '617-555-0100', '617-555-0101'
       FROM generate_series(1, $1::int) g`,
    [practices],
  );
  await db.query(
    `INSERT INTO users (kind, email, password_hash, first_name, last_name, npi, practice_id, is_sponsor, status)
     SELECT 'provider', 'sponsor' || g || '@bench.test', $3, 'Sponsor', 'Number' || g, lpad(g::text, 9, '0') || '0',
            p.id, true, 'active'
       FROM generate_series(1, $1::int) g
       JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM practices) p ON p.k = g % $2::int`,
    [SPONSORS, practices, PASSWORD_HASH],
  );
  // Created over time: a sponsor's users are spread over the table, not one run of pages each.
  await db.query(
    `INSERT INTO users (kind, email, password_hash, first_name, last_name, practice_id, sponsor_id, sponsored_role, status)
     SELECT 'sponsored', 'member' || g || '-' || s.n || '@bench.test', $2, 'Member', 'Number' || g, s.practice_id, s.id, 'other', 'active'
       FROM (SELECT id, practice_id, row_number() OVER () AS n FROM users WHERE is_sponsor) s,
            generate_series(1, $1::int) g
      ORDER BY random()`,
    [USERS_EACH, PASSWORD_HASH],
  );
  if (PACKED) await db.query(`ALTER TABLE users SET (fillfactor = ${Number(migratedFillfactor)})`);
  await db.query('VACUUM ANALYZE');
  result.usersPages = (
    await db.query(`SELECT relpages FROM pg_class WHERE oid = 'users'::regclass`)
  ).rows[0].relpages;
  result.seedSeconds = seconds(t0);
  await db.end();

  Object.assign(process.env, {
    NODE_ENV: 'development',
    DATABASE_URL: benchUrl.toString(),
    REDIS_PREFIX: `bench:${process.pid}`,
    CRON_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    ...(BATCH ? { JOB_BATCH_SIZE: String(BATCH) } : {}),
  });
  if (BATCH) result.batchSize = BATCH;
  const { AppModule } = await import('../dist/src/app.module.js');
  const { JobsService } = await import('../dist/src/modules/jobs/jobs.service.js');
  app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  const jobs = app.get(JobsService);

  // Per-statement timing: wrap the job statements' repository methods (wall seconds, calls) per job.
  const statements = {};
  let phase = 'none';
  const wrap = (instance, method, label) => {
    const original = instance[method].bind(instance);
    instance[method] = async (...a) => {
      const start = performance.now();
      try {
        return await original(...a);
      } finally {
        const s = (statements[phase] ??= {});
        const entry = (s[label] ??= { seconds: 0, calls: 0 });
        entry.seconds = Math.round((entry.seconds + (performance.now() - start) / 1000) * 100) / 100;
        entry.calls += 1;
      }
    };
  };
  const { SponsorValidationsRepository } =
    await import('../dist/src/modules/sponsorship/sponsor-validations.repository.js');
  const { AccountLifecycleRepository } =
    await import('../dist/src/modules/identity/account-lifecycle.repository.js');
  const { NotificationsRepository } =
    await import('../dist/src/modules/notifications/notifications.repository.js');
  const validations = app.get(SponsorValidationsRepository, { strict: false });
  wrap(validations, 'openBatch', 'openBatch');
  wrap(validations, 'recordDueReminders', 'recordDueReminders');
  wrap(validations, 'markOverdueBatch', 'markOverdueBatch');
  wrap(
    app.get(AccountLifecycleRepository, { strict: false }),
    'lockForOverdueValidation',
    'lockForOverdueValidation',
  );
  wrap(app.get(NotificationsRepository, { strict: false }), 'insertMany', 'recordEmails');
  const cpu = {};
  // PostgreSQL's CPU per job: the bench database's backends (the app's pool, the relay's listener)
  // plus the WAL writer and checkpointer, from /proc (same machine). Unlike wall-clock seconds it
  // hardly moves with the load others put on the machine.
  const monitor = new pg.Client({ connectionString: benchUrl.toString(), application_name: 'bench-monitor' });
  await monitor.connect();
  const pgCpuTicks = async () => {
    const { rows } = await monitor.query(
      `SELECT pid FROM pg_stat_activity
        WHERE (datname = current_database() AND pid <> pg_backend_pid()) OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
    );
    const ticks = new Map();
    for (const { pid } of rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        ticks.set(pid, Number(fields[11]) + Number(fields[12]));
      } catch {
        // gone meanwhile
      }
    }
    return ticks;
  };
  const pgCpu = {};

  const timed = async (name, asOf, label) => {
    phase = label;
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const pgStart = await pgCpuTicks();
    const { affected } = await jobs.run(name, asOf);
    const used = process.cpuUsage(cpuStart);
    cpu[label] = Math.round((used.user + used.system) / 10_000) / 100;
    const pgEnd = await pgCpuTicks();
    let ticks = 0;
    for (const [pid, t] of pgEnd) ticks += t - (pgStart.get(pid) ?? 0);
    pgCpu[label] = ticks / 100;
    phase = 'none';
    return { seconds: seconds(start), affected };
  };
  result.open = await timed('sponsor-validation-open', '2027-04-01', 'open');
  result.openAgain = await timed('sponsor-validation-open', '2027-04-01', 'openAgain');
  result.remind = await timed('sponsor-validation-remind', '2027-04-17', 'remind');
  result.enforce = await timed('sponsor-validation-enforce', '2027-05-01', 'enforce');
  result.enforceAgain = await timed('sponsor-validation-enforce', '2027-05-01', 'enforceAgain');
  result.statements = statements;
  result.cpu = cpu;
  result.postgresCpu = pgCpu;
  await monitor.end();
  await new Promise((r) => setTimeout(r, 1500)); // table statistics reach pg_stat_user_tables within a second

  const check = new pg.Client({ connectionString: benchUrl.toString() });
  await check.connect();
  const { rows } = await check.query(
    `SELECT (SELECT count(*)::int FROM sponsor_validations) AS validations,
            (SELECT count(*)::int FROM sponsor_validation_users) AS listed,
            (SELECT count(*)::int FROM users WHERE lock_reason = 'validation_overdue') AS locked,
            (SELECT count(*)::int FROM notifications) AS notifications,
            (SELECT n_tup_hot_upd::int FROM pg_stat_user_tables WHERE relname = 'users') AS users_hot_updates,
            (SELECT n_tup_upd::int FROM pg_stat_user_tables WHERE relname = 'users') AS users_updates`,
  );
  result.rows = rows[0];
  if (DRAIN) {
    const start = performance.now();
    const statuses = async () =>
      Object.fromEntries(
        (await check.query(`SELECT status, count(*)::int AS n FROM notifications GROUP BY status`)).rows.map(
          (r) => [r.status, r.n],
        ),
      );
    let counts = await statuses();
    const sentBefore = counts.sent ?? 0;
    for (
      const deadline = start + 3_600_000;
      (counts.sent ?? 0) + (counts.failed ?? 0) < result.rows.notifications && performance.now() < deadline;
    ) {
      await new Promise((r) => setTimeout(r, 1000));
      counts = await statuses();
    }
    const secs = seconds(start);
    result.drain = {
      seconds: secs,
      statuses: counts,
      sentBefore,
      emailsPerSecond: Math.round(((counts.sent ?? 0) - sentBefore) / Math.max(0.01, secs)),
    };
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
