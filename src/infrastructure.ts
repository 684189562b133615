import { BullModule } from '@nestjs/bull';
import { CommonModule } from './common/common.module.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { NOTIFICATION_JOB_OPTIONS } from './common/queue/queues.js';
import { RedisModule } from './common/redis/redis.module.js';
import { APP_CONFIG, type AppConfig, ConfigError, loadConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { prepareDatabase } from './database/prepare-database.js';

/** What every process of the service imports first (the API's AppModule, the sender's WorkerModule). */
export const INFRASTRUCTURE_MODULES = [
  ConfigModule,
  LoggingModule,
  CommonModule,
  RedisModule,
  DatabaseModule,
  BullModule.forRootAsync({
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => ({
      redis: config.redisUrl,
      prefix: config.redisPrefix,
      defaultJobOptions: NOTIFICATION_JOB_OPTIONS,
    }),
  }),
];

/**
 * A process's start: the configuration (exit 78, EX_CONFIG, with the message when it is invalid),
 * then the database created if missing and migrated under the advisory lock.
 */
export async function loadConfigAndPrepareDatabase(): Promise<AppConfig> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const applied = await prepareDatabase(config);
  if (applied.length) console.log(JSON.stringify({ msg: 'migrations applied', migrations: applied }));
  return config;
}
