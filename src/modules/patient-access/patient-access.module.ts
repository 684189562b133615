import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessDecisionService } from './access-decision.service.js';
import { AccessGrantsService } from './access-grants.service.js';
import { EhrFeedService } from './ehr-feed.service.js';
import { AccessGrant } from './entities/access-grant.entity.js';
import { CareTeamMember } from './entities/care-team-member.entity.js';
import { ClinicalDocument } from './entities/clinical-document.entity.js';
import { Patient } from './entities/patient.entity.js';
import { RosterEntry } from './entities/roster-entry.entity.js';
import {
  EhrFeedController,
  PatientAccessStaffController,
  PatientsController,
} from './patient-access.controllers.js';
import { PatientRecordsService } from './patient-records.service.js';
import { PatientsService } from './patients.service.js';
import { PracticeRosterService } from './practice-roster.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Patient, CareTeamMember, ClinicalDocument, RosterEntry, AccessGrant])],
  controllers: [PatientsController, EhrFeedController, PatientAccessStaffController],
  providers: [
    AccessDecisionService,
    AccessGrantsService,
    PatientsService,
    EhrFeedService,
    PatientRecordsService,
    PracticeRosterService,
  ],
  exports: [AccessDecisionService, AccessGrantsService, PatientsService],
})
export class PatientAccessModule {}
