import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { runMigrations } from '../../src/database/prepare-database.js';

export const TEST_DB_HOST_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(TEST_DB_HOST_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The template's name follows the migrations' content, so a changed migration gets a fresh template. */
export function templateName(): string {
  const dir = join(process.cwd(), 'migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  return `mp_tpl_${hash.digest('hex').slice(0, 16)}`;
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DB_HOST_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const LOCK = 728114302;

/**
 * Migrates the template database once per migration set (the first test file to need it does),
 * serialised by an advisory lock so parallel workers and parallel runs share one template.
 */
async function ensureTemplate(client: pg.Client, name: string): Promise<void> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (rowCount) return;
  const building = `${name}_build`;
  await client.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${building}`);
  await runMigrations(databaseUrl(building));
  await client.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
  // Templates of older migration sets and databases of crashed runs (older than a day) go.
  const stale = await client.query(
    `SELECT datname FROM pg_database WHERE datname ~ '^mp_(tpl|t)_' AND datname <> $1
       AND (pg_stat_file('base/' || oid || '/PG_VERSION')).modification < now() - interval '1 day'`,
    [name],
  );
  for (const row of stale.rows) await client.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
}

/** A fresh database for one test file, cloned from the migrated template. */
export async function createTestDatabase(): Promise<string> {
  const name = `mp_t_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (client) => {
    // CREATE DATABASE … TEMPLATE needs the template free of connections; clones run one at a time.
    await client.query('SELECT pg_advisory_lock($1)', [LOCK]);
    try {
      const template = templateName();
      await ensureTemplate(client, template);
      await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK]);
    }
  });
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
