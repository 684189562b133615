import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessGrant } from './entities/access-grant.entity.js';
import { CareTeamMember } from './entities/care-team-member.entity.js';
import { ClinicalDocument } from './entities/clinical-document.entity.js';
import { Patient } from './entities/patient.entity.js';
import { RosterEntry } from './entities/roster-entry.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([Patient, CareTeamMember, ClinicalDocument, RosterEntry, AccessGrant])],
})
export class PatientAccessModule {}
