#!/usr/bin/env node
/**
 * Commit latency of this machine's PostgreSQL: one-row INSERTs in autocommit (a WAL flush each), one
 * at a time with 5 ms between them, for SECONDS (default 30). Every bench request commits an audit
 * entry, so this is the floor under the open loop's p99 on an idle machine.
 *
 *   node bench/commit-latency.mjs [SECONDS]
 *
 * Uses BENCH_PG_URL's server (default postgres://postgres@127.0.0.1:5432/postgres); a temporary table.
 */
import pg from 'pg';
import { percentile, PG_HOST_URL } from './lib.mjs';

const seconds = Number(process.argv[2] ?? 30);
const client = new pg.Client({ connectionString: PG_HOST_URL });
await client.connect();
const table = `bench_commit_latency_${process.pid}`;
await client.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())`);
const latencies = [];
try {
  for (const end = Date.now() + seconds * 1000; Date.now() < end;) {
    const started = performance.now();
    await client.query(`INSERT INTO ${table} DEFAULT VALUES`);
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
} finally {
  await client.query(`DROP TABLE ${table}`);
  await client.end();
}
latencies.sort((a, b) => a - b);
const at = (p) => Math.round(percentile(latencies, p) * 100) / 100;
console.log(
  JSON.stringify({
    commits: latencies.length,
    latencyMs: { p50: at(50), p99: at(99), p999: at(99.9), max: at(100) },
    over50ms: latencies.filter((x) => x > 50).length,
  }),
);
