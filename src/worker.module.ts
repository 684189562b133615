import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { CommonModule } from './common/common.module.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { NOTIFICATION_JOB_OPTIONS } from './common/queue/queues.js';
import { RedisModule } from './common/redis/redis.module.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { NotificationsModule } from './modules/notifications/index.js';

/**
 * The email sender's process (src/worker.ts): the infrastructure and NotificationsModule only — its
 * outbox relay and Bull sender; no HTTP, no scheduled jobs. The API instances then run with
 * NOTIFICATIONS_SENDER=false. See docs/notifications.md.
 */
@Module({
  imports: [
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
    NotificationsModule,
  ],
})
export class WorkerModule {}
