import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/index.js';
import { IdentityModule } from '../identity/index.js';
import { AccessDecisionRepository } from './access-decision.repository.js';
import { AccessDecisionService } from './access-decision.service.js';
import { AccessGrantsRepository } from './access-grants.repository.js';
import { AccessGrantsService } from './access-grants.service.js';
import { ClinicalDocumentsRepository } from './clinical-documents.repository.js';
import { EhrFeedService } from './ehr-feed.service.js';
import { EhrPcpChangesController } from './ehr-pcp-changes.controller.js';
import { EhrPcpChangesRepository } from './ehr-pcp-changes.repository.js';
import { EhrPcpChangesService } from './ehr-pcp-changes.service.js';
import { EhrPcpChange } from './entities/ehr-pcp-change.entity.js';
import { AccessGrant } from './entities/access-grant.entity.js';
import { CareTeamMember } from './entities/care-team-member.entity.js';
import { ClinicalDocument } from './entities/clinical-document.entity.js';
import { Patient } from './entities/patient.entity.js';
import { RosterEntry } from './entities/roster-entry.entity.js';
import { PatientAccessLogService } from './patient-access-log.service.js';
import {
  EhrFeedController,
  MyPatientsController,
  PatientAccessStaffController,
  PatientsController,
} from './patient-access.controllers.js';
import { PatientRecordsService } from './patient-records.service.js';
import { PatientsRepository } from './patients.repository.js';
import { MyPatientsRepository } from './my-patients.repository.js';
import { PatientViewersRepository } from './patient-viewers.repository.js';
import { MyPatientsService } from './my-patients.service.js';
import { PatientOpen } from './entities/patient-open.entity.js';
import { PatientsService } from './patients.service.js';
import { PendingRequestsRegistry } from './pending-requests.registry.js';
import { SearchMonitor } from './search-monitor.port.js';
import { PracticeRosterRepository } from './practice-roster.repository.js';
import { PracticeRosterService } from './practice-roster.service.js';
import { StaffPatientsController } from './staff-patients.controller.js';
import { StaffPatientsService } from './staff-patients.service.js';

/** Patients (EHR feed), the access decision, personal grants and practice rosters. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      Patient,
      CareTeamMember,
      ClinicalDocument,
      RosterEntry,
      AccessGrant,
      EhrPcpChange,
      PatientOpen,
    ]),
    AuditModule,
    IdentityModule,
  ],
  controllers: [
    PatientsController,
    MyPatientsController,
    EhrFeedController,
    EhrPcpChangesController,
    PatientAccessStaffController,
    StaffPatientsController,
  ],
  providers: [
    AccessDecisionRepository,
    AccessGrantsRepository,
    ClinicalDocumentsRepository,
    PatientsRepository,
    PracticeRosterRepository,
    AccessDecisionService,
    AccessGrantsService,
    PatientsService,
    EhrFeedService,
    PatientRecordsService,
    PatientAccessLogService,
    PracticeRosterService,
    EhrPcpChangesRepository,
    EhrPcpChangesService,
    PendingRequestsRegistry,
    SearchMonitor,
    MyPatientsRepository,
    MyPatientsService,
    PatientViewersRepository,
    StaffPatientsService,
  ],
  exports: [
    AccessDecisionService,
    AccessGrantsService,
    PatientsService,
    PendingRequestsRegistry,
    SearchMonitor,
    EhrPcpChangesService,
    PracticeRosterService,
  ],
})
export class PatientAccessModule {}
