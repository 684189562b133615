import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/index.js';
import { IdentityModule } from '../identity/index.js';
import { JobsModule } from '../jobs/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { AccessDecisionService, PatientAccessModule, PatientsService } from '../patient-access/index.js';
import { PcpUpdateEvent } from './entities/pcp-update-event.entity.js';
import { PcpUpdateRequest } from './entities/pcp-update-request.entity.js';
import { ACCESS_DECIDER, PATIENT_DIRECTORY } from './patient-access.port.js';
import { PcpUpdateCommandsService } from './pcp-update-commands.service.js';
import { PcpUpdateOverdueService } from './pcp-update-overdue.service.js';
import { PcpUpdateQueueService } from './pcp-update-queue.service.js';
import { PcpUpdateRequestsRepository } from './pcp-update-requests.repository.js';
import { PcpAccessRequestsController, StaffPcpUpdatesController } from './pcp-updates.controller.js';
import { PcpUpdatesScheduler } from './pcp-updates.scheduler.js';

/** The MyPatients team's PCP-update queue (SPEC: PCP updates). */
@Module({
  imports: [
    TypeOrmModule.forFeature([PcpUpdateRequest, PcpUpdateEvent]),
    // IdentityModule publishes the account_directory view the repository joins.
    IdentityModule,
    PatientAccessModule,
    AuditModule,
    NotificationsModule,
    JobsModule,
  ],
  controllers: [PcpAccessRequestsController, StaffPcpUpdatesController],
  providers: [
    PcpUpdateRequestsRepository,
    PcpUpdateCommandsService,
    PcpUpdateQueueService,
    PcpUpdateOverdueService,
    PcpUpdatesScheduler,
    { provide: ACCESS_DECIDER, useExisting: AccessDecisionService },
    { provide: PATIENT_DIRECTORY, useExisting: PatientsService },
  ],
  exports: [PcpUpdateCommandsService, PcpUpdateQueueService, PcpUpdateOverdueService],
})
export class PcpUpdatesModule {}
