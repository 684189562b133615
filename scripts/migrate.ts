import { ConfigError, loadConfig } from '../src/config/app-config.js';
import { prepareDatabase } from '../src/database/prepare-database.js';

/**
 * `npm run migrate`: creates the database if needed and applies pending migrations, with
 * MIGRATION_DATABASE_URL when set (else DATABASE_URL). The service's start does the same.
 */
try {
  const config = loadConfig();
  const applied = await prepareDatabase(config);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `migrate failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
