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
    extra: { max: 20, connectionTimeoutMillis: 5000, application_name: 'mypatients' },
  };
}
