import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PatientAccessModule } from '../patient-access/patient-access.module.js';
import { AccessRequestExpiryJob } from './access-request-expiry.job.js';
import { AccessRequestsController } from './access-requests.controller.js';
import { AccessRequestsService } from './access-requests.service.js';
import { PortalCareTeamService } from './care-team.service.js';
import { AccessRequest } from './entities/access-request.entity.js';
import { PortalAccessController } from './portal.controller.js';
import { StaffGrantsController } from './staff-grants.controller.js';
import { StaffGrantsService } from './staff-grants.service.js';

/** Non-PCP access requests (patient portal approves), portal care-team management, staff grant revocation. */
@Module({
  imports: [TypeOrmModule.forFeature([AccessRequest]), PatientAccessModule],
  controllers: [AccessRequestsController, PortalAccessController, StaffGrantsController],
  providers: [AccessRequestsService, PortalCareTeamService, StaffGrantsService, AccessRequestExpiryJob],
  exports: [AccessRequestsService],
})
export class AccessRequestsModule {}
