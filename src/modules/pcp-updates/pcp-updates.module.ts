import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/index.js';
import { IdentityModule } from '../identity/index.js';
import { JobsModule } from '../jobs/index.js';
import { NotificationsModule } from '../notifications/index.js';
import {
  AccessDecisionService,
  EhrPcpChangesService,
  PatientAccessModule,
  PatientsService,
  PracticeRosterService,
} from '../patient-access/index.js';
import { PcpUpdateEvent } from './entities/pcp-update-event.entity.js';
import { PcpUpdateRequest } from './entities/pcp-update-request.entity.js';
import {
  ACCESS_DECIDER,
  PATIENT_DIRECTORY,
  PCP_CHANGE_LEDGER,
  PRACTICE_ROSTER,
} from './patient-access.port.js';
import { PcpAccessRequestsService } from './pcp-access-requests.service.js';
import { PcpRequesterRepository } from './pcp-requester.repository.js';
import { PcpUpdateCommandsService } from './pcp-update-commands.service.js';
import { PcpUpdateOverdueService } from './pcp-update-overdue.service.js';
import { PcpUpdateQueueService } from './pcp-update-queue.service.js';
import { PcpUpdateRequestsRepository } from './pcp-update-requests.repository.js';
import { PcpUpdateQueueRepository } from './pcp-update-queue.repository.js';
import {
  OwnPcpAccessRequestsController,
  PcpAccessRequestsController,
  StaffPcpUpdatesController,
} from './pcp-updates.controller.js';
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
  controllers: [PcpAccessRequestsController, OwnPcpAccessRequestsController, StaffPcpUpdatesController],
  providers: [
    PcpUpdateRequestsRepository,
    PcpUpdateQueueRepository,
    PcpRequesterRepository,
    PcpAccessRequestsService,
    PcpUpdateCommandsService,
    PcpUpdateQueueService,
    PcpUpdateOverdueService,
    PcpUpdatesScheduler,
    { provide: ACCESS_DECIDER, useExisting: AccessDecisionService },
    { provide: PATIENT_DIRECTORY, useExisting: PatientsService },
    { provide: PCP_CHANGE_LEDGER, useExisting: EhrPcpChangesService },
    { provide: PRACTICE_ROSTER, useExisting: PracticeRosterService },
  ],
  exports: [
    PcpAccessRequestsService,
    PcpUpdateCommandsService,
    PcpUpdateQueueService,
    PcpUpdateOverdueService,
  ],
})
export class PcpUpdatesModule {}
