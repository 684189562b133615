import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { PatientAccessModule } from '../patient-access/index.js';
import { Invitation } from './entities/invitation.entity.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationAdminService } from './invitation-admin.service.js';
import { InvitationsService } from './invitations.service.js';
import { InvitationIssueHooks } from './invitation-issue.port.js';
import {
  PortalInvitationsController,
  StaffInvitationsController,
  TokensController,
} from './tokens.controller.js';

/** Invitation tokens: staff and the patient portal invite a provider to one patient; the provider validates. */
@Module({
  imports: [TypeOrmModule.forFeature([Invitation]), AuditModule, NotificationsModule, PatientAccessModule],
  controllers: [TokensController, StaffInvitationsController, PortalInvitationsController],
  providers: [InvitationsRepository, InvitationsService, InvitationAdminService, InvitationIssueHooks],
  exports: [InvitationsService, InvitationIssueHooks],
})
export class TokensModule {}
