import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { INFRASTRUCTURE_MODULES } from './infrastructure.js';
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
    ...INFRASTRUCTURE_MODULES,
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
