import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/index.js';
import { IdentityModule } from '../identity/index.js';
import { JobsModule } from '../jobs/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { SponsorValidationReminder } from './entities/sponsor-validation-reminder.entity.js';
import { SponsorValidationUser } from './entities/sponsor-validation-user.entity.js';
import { SponsorValidation } from './entities/sponsor-validation.entity.js';
import { SponsorValidationsRepository } from './sponsor-validations.repository.js';
import { SponsoredUsersRepository } from './sponsored-users.repository.js';
import { SponsorshipController } from './sponsorship.controller.js';
import { SponsorshipService } from './sponsorship.service.js';
import { ValidationJobsService } from './validation-jobs.service.js';
import { ValidationScheduler } from './validation.scheduler.js';
import { ValidationService } from './validation.service.js';
import { SponsorTransferHandler } from './sponsor-transfer.hook.js';
import { SponsorValidationListsRepository } from './sponsor-validation-lists.repository.js';
import { StaffSponsorValidationsController } from './staff-sponsor-validations.controller.js';
import { ValidationListsService } from './validation-lists.service.js';

/** Sponsors, their sponsored users, and the semiannual validation (SPEC §2). */
@Module({
  imports: [
    TypeOrmModule.forFeature([SponsorValidation, SponsorValidationUser, SponsorValidationReminder]),
    IdentityModule,
    NotificationsModule,
    AuditModule,
    JobsModule,
  ],
  controllers: [SponsorshipController, StaffSponsorValidationsController],
  providers: [
    SponsorValidationsRepository,
    SponsoredUsersRepository,
    SponsorshipService,
    ValidationService,
    ValidationJobsService,
    ValidationScheduler,
    SponsorValidationListsRepository,
    ValidationListsService,
    SponsorTransferHandler,
  ],
  exports: [SponsorshipService, ValidationJobsService],
})
export class SponsorshipModule {}
