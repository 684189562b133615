import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { CommonModule } from './common/common.module.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { LoggingModule } from './common/logging/logging.module.js';
import { NOTIFICATION_JOB_OPTIONS } from './common/queue/queues.js';
import { RedisModule } from './common/redis/redis.module.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { AuditModule } from './modules/audit/index.js';
import { HealthModule } from './modules/health/index.js';
import { IdentityModule } from './modules/identity/index.js';
import { JobsModule } from './modules/jobs/index.js';
import { NotificationsModule } from './modules/notifications/index.js';
import { PatientAccessModule } from './modules/patient-access/index.js';
import { PcpUpdatesModule } from './modules/pcp-updates/index.js';
import { SponsorshipModule } from './modules/sponsorship/index.js';
import { TokensModule } from './modules/tokens/index.js';
import { AccessRequestsModule } from './modules/access-requests/index.js';
import { WebAppModule } from './modules/web-app/index.js';
import { IntegrationClientsModule } from './modules/integration-clients/index.js';
import { PrivacyModule } from './modules/privacy/index.js';

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
    ScheduleModule.forRoot(),
    HealthModule,
    AuditModule,
    NotificationsModule,
    JobsModule,
    IdentityModule,
    PatientAccessModule,
    TokensModule,
    AccessRequestsModule,
    PcpUpdatesModule,
    SponsorshipModule,
    WebAppModule,
    IntegrationClientsModule,
    PrivacyModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
})
export class AppModule {}
