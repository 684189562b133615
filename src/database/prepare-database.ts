import pg from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { baseDataSourceOptions } from './database-options.js';

/** Arbitrary constant: every instance that migrates takes this PostgreSQL advisory lock first. */
const MIGRATION_LOCK_KEY = 728_114_301;

function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/** Creates the database named in DATABASE_URL when it does not exist. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  const client = new pg.Client({ connectionString: maintenanceUrl(databaseUrl) });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } catch (error) {
        // Another instance created it between our check and our CREATE.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

/** Applies pending migrations while holding an advisory lock, so concurrent starts migrate once. */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const lockClient = new pg.Client({ connectionString: databaseUrl });
  await lockClient.connect();
  const dataSource = new DataSource({ ...baseDataSourceOptions({ databaseUrl }), extra: { max: 2 } });
  try {
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await lockClient.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockClient.end();
  }
}

/**
 * Creates the database if needed and migrates it — as MIGRATION_DATABASE_URL's role (the schema
 * owner) when set, so the service's own DATABASE_URL role needs no DDL (docs/audit.md, "Roles").
 */
export async function prepareDatabase(
  config: Pick<AppConfig, 'databaseUrl' | 'migrationDatabaseUrl'>,
): Promise<string[]> {
  const url = config.migrationDatabaseUrl ?? config.databaseUrl;
  await ensureDatabase(url);
  return runMigrations(url);
}
