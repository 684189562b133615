import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SponsorValidationReminder } from './entities/sponsor-validation-reminder.entity.js';
import { SponsorValidationUser } from './entities/sponsor-validation-user.entity.js';
import { SponsorValidation } from './entities/sponsor-validation.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([SponsorValidation, SponsorValidationUser, SponsorValidationReminder])],
})
export class SponsorshipModule {}
