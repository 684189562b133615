import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/index.js';
import { IdentityModule } from '../identity/index.js';
import { JobsModule } from '../jobs/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { PatientAccessModule } from '../patient-access/index.js';
import { AccessGrantExpiryJob } from './access-grant-expiry.job.js';
import { AccessRequestExpiryJob } from './access-request-expiry.job.js';
import { AccessRequestsController } from './access-requests.controller.js';
import { AccessRequestsRepository } from './access-requests.repository.js';
import { AccessRequestsService } from './access-requests.service.js';
import { PortalCareTeamService } from './care-team.service.js';
import { AccessRequest } from './entities/access-request.entity.js';
import { GrantExpiryService } from './grant-expiry.service.js';
import { PortalAccessController } from './portal.controller.js';
import { PortalGrantsService } from './portal-grants.service.js';
import { StaffGrantsController } from './staff-grants.controller.js';
import { StaffGrantsService } from './staff-grants.service.js';

/** Non-PCP access requests (patient portal approves), portal care-team management, staff grant revocation. */
@Module({
  imports: [
    TypeOrmModule.forFeature([AccessRequest]),
    AuditModule,
    IdentityModule,
    JobsModule,
    NotificationsModule,
    PatientAccessModule,
  ],
  controllers: [AccessRequestsController, PortalAccessController, StaffGrantsController],
  providers: [
    AccessRequestsRepository,
    AccessRequestsService,
    PortalCareTeamService,
    StaffGrantsService,
    AccessRequestExpiryJob,
    GrantExpiryService,
    AccessGrantExpiryJob,
    PortalGrantsService,
  ],
  exports: [AccessRequestsService],
})
export class AccessRequestsModule {}
