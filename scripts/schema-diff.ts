import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config.js';
import { baseDataSourceOptions } from '../src/database/database-options.js';
import { runMigrations } from '../src/database/prepare-database.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Every entity class under src/modules/<module>/entities (compiled). */
export async function loadEntities(): Promise<Function[]> {
  const modulesDir = join(here, '..', 'src', 'modules');
  const classes: Function[] = [];
  for (const moduleName of readdirSync(modulesDir)) {
    const dir = join(modulesDir, moduleName, 'entities');
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.entity.js'));
    } catch {
      continue;
    }
    for (const file of files) {
      const exported = await import(pathToFileURL(join(dir, file)).href);
      classes.push(...Object.values(exported).filter((v): v is Function => typeof v === 'function'));
    }
  }
  return classes;
}

/**
 * Migrates a scratch database and asks TypeORM what it would still change to match the
 * entities: empty means entities and migrations agree.
 */
export async function pendingSchemaChanges(): Promise<{ up: string[]; down: string[] }> {
  // Needs only DATABASE_URL (a scratch database beside it): no secrets, so no dev secrets file per scratch database.
  const config = loadConfig({ NODE_ENV: 'test', ...process.env });
  const admin = new URL(config.databaseUrl);
  const scratchName = `mp_schema_check_${process.pid}_${Date.now()}`;
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE ${scratchName}`);
  const scratchUrl = new URL(config.databaseUrl);
  scratchUrl.pathname = `/${scratchName}`;
  try {
    await runMigrations(scratchUrl.toString());
    const ds = new DataSource({
      ...baseDataSourceOptions({ databaseUrl: scratchUrl.toString() }),
      entities: await loadEntities(),
    });
    await ds.initialize();
    try {
      const sql = await ds.driver.createSchemaBuilder().log();
      return { up: sql.upQueries.map((q) => q.query), down: sql.downQueries.map((q) => q.query) };
    } finally {
      await ds.destroy();
    }
  } finally {
    await client.query(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`);
    await client.end();
  }
}
