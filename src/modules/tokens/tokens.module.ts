import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PatientAccessModule } from '../patient-access/patient-access.module.js';
import { Invitation } from './entities/invitation.entity.js';
import { InvitationsService } from './invitations.service.js';
import { PortalInvitationsController, StaffInvitationsController, TokensController } from './tokens.controller.js';

/** Invitation tokens: staff and the patient portal invite a provider to one patient; the provider validates. */
@Module({
  imports: [TypeOrmModule.forFeature([Invitation]), PatientAccessModule],
  controllers: [TokensController, StaffInvitationsController, PortalInvitationsController],
  providers: [InvitationsService],
  exports: [InvitationsService],
})
export class TokensModule {}
