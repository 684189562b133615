import { ApiProperty } from '@nestjs/swagger';
import { REGISTRATION_STATUSES } from './auth.dto.js';

export class RegisteredDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ enum: ['pending_email'] }) status: 'pending_email';
}

export class EmailVerifiedDto {
  @ApiProperty({ enum: ['pending_approval'] }) status: 'pending_approval';
}

export class RegistrationPracticeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() address: string;
  @ApiProperty({ type: String, nullable: true }) city: string | null;
  @ApiProperty() phone: string;
  @ApiProperty() fax: string;
  @ApiProperty({ description: 'Other active accounts of the practice' }) activeMembers: number;
}

export class RegistrationItemDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() email: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ type: String, nullable: true }) npi: string | null;
  @ApiProperty({ enum: REGISTRATION_STATUSES }) status: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: Date, format: 'date-time', nullable: true }) emailVerifiedAt: Date | null;
  @ApiProperty({ type: Date, format: 'date-time', nullable: true }) approvedAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) rejectionReason: string | null;
  @ApiProperty({ type: RegistrationPracticeDto, nullable: true }) practice: RegistrationPracticeDto | null;
}

export class RegistrationPageDto {
  @ApiProperty({ type: [RegistrationItemDto] }) items: RegistrationItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class RegistrationApprovedDto {
  @ApiProperty({ enum: ['active'] }) status: 'active';
}

export class RegistrationRejectedDto {
  @ApiProperty({ enum: ['rejected'] }) status: 'rejected';
}

export class HospitalAccountCreatedDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
}

export class AccountUnlockedDto {
  @ApiProperty({
    enum: ['active', 'invited'],
    description: 'An invited account a staff lock interrupted stays invited',
  })
  status: 'active' | 'invited';
}
