import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessDecisionService } from '../patient-access/access-decision.service.js';
import { PatientAccessModule } from '../patient-access/patient-access.module.js';
import { PatientsService } from '../patient-access/patients.service.js';
import { PcpUpdateEvent } from './entities/pcp-update-event.entity.js';
import { PcpUpdateRequest } from './entities/pcp-update-request.entity.js';
import { ACCESS_DECIDER, PATIENT_DIRECTORY } from './patient-access.port.js';
import { PcpAccessRequestsController, StaffPcpUpdatesController } from './pcp-updates.controller.js';
import { PcpUpdatesScheduler } from './pcp-updates.scheduler.js';
import { PcpUpdatesService } from './pcp-updates.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([PcpUpdateRequest, PcpUpdateEvent]), PatientAccessModule],
  controllers: [PcpAccessRequestsController, StaffPcpUpdatesController],
  providers: [
    PcpUpdatesService,
    PcpUpdatesScheduler,
    { provide: ACCESS_DECIDER, useExisting: AccessDecisionService },
    { provide: PATIENT_DIRECTORY, useExisting: PatientsService },
  ],
  exports: [PcpUpdatesService],
})
export class PcpUpdatesModule {}
