import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

/** Options shared by the app, the migration runner and the drift check. */
export function baseDataSourceOptions(config: Pick<AppConfig, 'databaseUrl'>): DataSourceOptions {
  return {
    type: 'postgres',
    uuidExtension: 'pgcrypto',
    url: config.databaseUrl,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    extra: {
      max: 20,
      connectionTimeoutMillis: 5000,
      application_name: 'mypatients',
      // Idle connections kept 5 minutes (pg-pool's default is 10 s): a new connection is a new
      // PostgreSQL backend with cold caches and none of our prepared statements, and at a moderate
      // rate the pool otherwise closed and reopened connections all the time — each reopening a
      // 100–800 ms latency spike in the open-loop bench (BENCHMARKS.md). Idle ones never keep the
      // process alive (allowExitOnIdle).
      idleTimeoutMillis: 300_000,
      allowExitOnIdle: true,
    },
  };
}
