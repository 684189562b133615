#!/usr/bin/env node
/**
 * Notifications benchmark: N notifications recorded (each in its own transaction, as capabilities
 * do) → relay → Bull → render → SMTP, until a local SMTP sink has received all N. Reports emails/s
 * end to end and the ratio to nodemailer alone sending the same rendered emails to the same sink
 * with the same pool and concurrency. Runs against the compiled app: `npm run build` first.
 *
 *   node bench/notifications.mjs            # N=2000
 *   BENCH_NOTIFICATIONS=5000 node bench/notifications.mjs
 *   BENCH_SENDER=worker node bench/notifications.mjs
 *
 * BENCH_SENDER=inprocess (default): recording, relay and sender all in this process's main thread,
 * as one instance with NOTIFICATIONS_SENDER on. BENCH_SENDER=worker: this process records with
 * NOTIFICATIONS_SENDER=false (an API instance) and the relay and sender run in a child process
 * `node dist/src/worker.js` (the production split); CPU is then reported for both main threads
 * (BENCH_SENDER_NODE_ARGS: node flags of the child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 * `machineCpuMsPerEmail`: all busy CPU of the machine over the phase (/proc/stat: PostgreSQL, Redis,
 * the sink, and anything else running), per email.
 *
 * Needs PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) and
 * Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379). Creates and drops its own database and
 * Redis key prefix. Prints one JSON object.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { spawn } from 'node:child_process';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;

const N = Number(process.env.BENCH_NOTIFICATIONS ?? 2000);
const RECORD_CONCURRENCY = 16;
const TARGET = 300;
const SENDER = process.env.BENCH_SENDER ?? 'inprocess';
if (!['inprocess', 'worker'].includes(SENDER))
  throw new Error(`BENCH_SENDER must be inprocess or worker (got ${SENDER})`);
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A local SMTP sink in a worker thread (its own core, as a real mail server would be), counting
 * accepted messages by Message-ID.
 */
const SINK_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { SMTPServer } = require(${JSON.stringify(createRequire(import.meta.url).resolve('smtp-server'))});
const received = new Map();
let total = 0;
const server = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
  onData(stream, _session, callback) {
    let head = '';
    stream.on('data', (chunk) => { if (head.length < 4096) head += chunk.toString('latin1'); });
    stream.on('end', () => {
      const id = /^message-id:\\s*(\\S+)/im.exec(head)?.[1] ?? 'anon-' + total;
      received.set(id, (received.get(id) ?? 0) + 1);
      total++;
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.server.address().port }));
parentPort.on('message', (msg) => {
  if (msg === 'stats') parentPort.postMessage({ total, unique: received.size });
  if (msg === 'reset') { received.clear(); total = 0; parentPort.postMessage({ total, unique: 0 }); }
  if (msg === 'stop') server.close(() => process.exit(0));
});
`;

async function startSink() {
  const worker = new Worker(SINK_SOURCE, { eval: true });
  const ask = (msg) =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(msg);
    });
  const { port } = await new Promise((resolve) => worker.once('message', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    stats: () => ask('stats'),
    reset: () => ask('reset'),
    async waitUntil(until, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const stats = await ask('stats');
        if (until(stats)) return stats;
        if (performance.now() > deadline)
          throw new Error(`sink: timed out after ${timeoutMs} ms (${JSON.stringify(stats)})`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    stop: () =>
      new Promise((resolve) => {
        worker.once('exit', resolve);
        worker.postMessage('stop');
      }),
  };
}

/** CPU ms of a process's main thread (the app's event loop; the sink runs in its own thread), from /proc. */
function mainThreadCpuMs(pid = process.pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

/** Busy CPU ms of the whole machine (all cores, every process), from /proc/stat. */
function machineCpuMs() {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = ticks[3] + ticks[4];
    return ((ticks.slice(0, 8).reduce((a, b) => a + b, 0) - idle) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** CPU ms of every process named `comm` (PostgreSQL's backends, redis-server), from /proc; other sessions' use included. */
function processCpuMs(comm) {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== comm) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** Main-thread CPU and event-loop utilisation over a phase; `stamp` marks it for slicing a --cpu-prof profile. */
function phase(senderPid) {
  const cpu = mainThreadCpuMs();
  const senderCpu = senderPid ? mainThreadCpuMs(senderPid) : 0;
  const machine = machineCpuMs();
  const postgres = processCpuMs('postgres');
  const redis = processCpuMs('redis-server');
  const elu = performance.eventLoopUtilization();
  const start = process.hrtime.bigint() / 1000n;
  return (n) => ({
    mainThreadCpuMsPerEmail: Number(((mainThreadCpuMs() - cpu) / n).toFixed(2)),
    ...(senderPid
      ? { senderMainThreadCpuMsPerEmail: Number(((mainThreadCpuMs(senderPid) - senderCpu) / n).toFixed(2)) }
      : {}),
    machineCpuMsPerEmail: Number(((machineCpuMs() - machine) / n).toFixed(2)),
    postgresCpuMsPerEmail: Number(((processCpuMs('postgres') - postgres) / n).toFixed(2)),
    redisCpuMsPerEmail: Number(((processCpuMs('redis-server') - redis) / n).toFixed(2)),
    eventLoopUtilization: Number(performance.eventLoopUtilization(elu).utilization.toFixed(2)),
    profileWindowUs: [Number(start), Number(process.hrtime.bigint() / 1000n)],
  });
}

/** Emails/s the cores could carry at most, and that as a share of nodemailer alone's rate. */
function cpuBound(cores, sendingCpuMs, postgresCpuMs, nodemailerPerSecond) {
  const emailsPerSecond = (cores * 1000) / (sendingCpuMs + postgresCpuMs);
  return {
    cores,
    emailsPerSecond: Math.round(emailsPerSecond),
    ratioToNodemailer: Number((emailsPerSecond / nodemailerPerSecond).toFixed(2)),
  };
}

async function pool(items, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function sampleFor(i) {
  return {
    template: 'delivery-failed',
    to: `bench-${i}@example.test`,
    data: {
      template: 'access-request-approved',
      attempts: 10,
      lastError: `421 4.7.0 try again later (${i})`,
    },
    idempotencyKey: `bench:${i}`,
  };
}

async function main() {
  const sink = await startSink();
  const dbName = `mp_bench_${randomBytes(5).toString('hex')}`;
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const redisPrefix = `bench:${randomBytes(4).toString('hex')}`;
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    SMTP_URL: sink.url,
    TEMPLATES_DIR: `${root}templates`,
    CRON_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    NOTIFICATIONS_SENDER: SENDER === 'worker' ? 'false' : 'true',
  });

  const { loadConfig } = await import(dist('src/config/app-config.js'));
  const { prepareDatabase } = await import(dist('src/database/prepare-database.js'));
  const { AppModule } = await import(dist('src/app.module.js'));
  const { NotificationsService } = await import(dist('src/modules/notifications/notifications.service.js'));
  const { TemplateRenderer } = await import(dist('src/modules/notifications/template-renderer.js'));
  const { createMailTransport, messageIdFor } = await import(
    dist('src/modules/notifications/mail-transport.js')
  );
  const { DataSource } = await import('typeorm');
  // Each notification recorded in a transaction of its own, opened as every capability opens its transactions.
  const { inTransaction } = await import(dist('src/database/sql.js'));

  const config = loadConfig();
  await prepareDatabase(config);
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  await app.init();
  // The sender's own process (it always sends, whatever NOTIFICATIONS_SENDER says).
  const sender =
    SENDER === 'worker'
      ? spawn(
          process.execPath,
          [
            ...(process.env.BENCH_SENDER_NODE_ARGS ?? '').split(' ').filter(Boolean),
            `${root}dist/src/worker.js`,
          ],
          { env: process.env, stdio: ['ignore', 'ignore', 'inherit'] },
        )
      : undefined;
  const senderExited = sender ? new Promise((resolve) => sender.once('exit', resolve)) : undefined;
  const dataSource = app.get(DataSource);
  const notifications = app.get(NotificationsService);

  try {
    // Warm-up (JIT, connections, template cache) — not counted.
    const warm = 50;
    await pool(
      Array.from({ length: warm }, (_, i) => i),
      RECORD_CONCURRENCY,
      (i) =>
        inTransaction(dataSource, (m) =>
          notifications.record(m, { ...sampleFor(i), idempotencyKey: `warm:${i}` }),
        ),
    );
    await sink.waitUntil((s) => s.total >= warm, 120_000);
    await sink.reset();

    // End to end: record → delivered.
    const started = performance.now();
    const e2ePhase = phase(sender?.pid);
    let recordedAt = 0;
    await pool(
      Array.from({ length: N }, (_, i) => i),
      RECORD_CONCURRENCY,
      (i) => inTransaction(dataSource, (m) => notifications.record(m, sampleFor(i))),
    );
    recordedAt = performance.now() - started;
    const atRecordEnd = await sink.stats();
    const stats = await sink.waitUntil((s) => s.unique >= N, 300_000);
    const endToEndMs = performance.now() - started;
    const e2eCpu = e2ePhase(N);
    const duplicates = stats.total - stats.unique;
    // Rows are marked sent right after the server accepted them: wait for the last marks.
    let sent = 0;
    for (const deadline = performance.now() + 30_000; sent < N && performance.now() < deadline;) {
      [{ sent }] = await dataSource.query(
        `SELECT count(*)::int AS sent FROM notifications WHERE status = 'sent' AND idempotency_key LIKE 'bench:%'`,
      );
      if (sent < N) await new Promise((r) => setTimeout(r, 50));
    }

    // Baseline: nodemailer alone, same rendered emails, same pool and concurrency.
    const renderer = new TemplateRenderer(config.notifications.templatesDir, {
      portalUrl: config.portalUrl,
      teamEmail: config.teamEmail,
      teamPhone: config.notifications.teamPhone,
    });
    const rendered = Array.from({ length: N }, (_, i) => {
      const s = sampleFor(i);
      return { to: s.to, ...renderer.render(s.template, s.data), messageId: messageIdFor(`baseline-${i}`) };
    });
    await sink.reset();
    const transport = createMailTransport(config);
    const baseStarted = performance.now();
    const basePhase = phase();
    await pool(rendered, config.notifications.sendConcurrency, (email) =>
      transport.sendMail({ from: config.mailFrom, ...email }),
    );
    await sink.waitUntil((s) => s.total >= N, 300_000);
    const baselineMs = performance.now() - baseStarted;
    const baseCpu = basePhase(N);
    transport.close();

    const emailsPerSecond = (N / endToEndMs) * 1000;
    const baselinePerSecond = (N / baselineMs) * 1000;
    const result = {
      scenario: 'notifications',
      notifications: N,
      sender: SENDER,
      batchSize: config.notifications.batchSize,
      endToEnd: {
        ms: Math.round(endToEndMs),
        emailsPerSecond: Math.round(emailsPerSecond),
        recordMs: Math.round(recordedAt),
        deliveredWhileRecording: atRecordEnd.unique,
        // Delivery rate once recording is over: the sender alone, without the recorders' load.
        drainEmailsPerSecond: Math.round(
          ((N - atRecordEnd.unique) / Math.max(1, endToEndMs - recordedAt)) * 1000,
        ),
        ...e2eCpu,
      },
      nodemailerAlone: {
        ms: Math.round(baselineMs),
        emailsPerSecond: Math.round(baselinePerSecond),
        ...baseCpu,
      },
      ratioToNodemailer: Number((emailsPerSecond / baselinePerSecond).toFixed(2)),
      // What the machine allows at best: its cores' CPU over what an email costs it even if recording,
      // relay, queue, rendering and marking cost Node nothing — sending it (nodemailer alone: client, sink,
      // kernel) plus PostgreSQL's part of end to end (the outbox insert and its commit, the relay's claim,
      // the mark). Above this ratio the goal needs more cores, not less code.
      cpuBound: cpuBound(
        availableParallelism(),
        baseCpu.machineCpuMsPerEmail,
        e2eCpu.postgresCpuMsPerEmail,
        baselinePerSecond,
      ),
      delivered: sent,
      duplicates,
      loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
      target: TARGET,
      meetsTarget: emailsPerSecond >= TARGET && sent === N,
    };
    console.log(JSON.stringify(result, null, 2));
    if (sent !== N) process.exitCode = 1;
  } finally {
    if (sender) {
      sender.kill('SIGTERM');
      await senderExited;
    }
    await app.close();
    await sink.stop();
    const redis = new Redis(redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
