import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import { STAFF_ROLES, USER_KINDS, USER_STATUSES, type StaffRole } from '../entities/user.entity.js';
import { PracticeRefDto } from './me.dto.js';

// --- queries and bodies ---

export class ListStaffUsersDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Case- and accent-insensitive substring of the email or names, or an exact NPI',
    maxLength: 200,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim() || undefined : value,
  )
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: USER_KINDS })
  @IsOptional()
  @IsIn(USER_KINDS)
  kind?: (typeof USER_KINDS)[number];
  @ApiPropertyOptional({ enum: USER_STATUSES })
  @IsOptional()
  @IsIn(USER_STATUSES)
  status?: (typeof USER_STATUSES)[number];
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Effective practice (a sponsored user: their sponsor’s)',
  })
  @IsOptional()
  @IsUUID('all', { message: 'practiceId must be a UUID' })
  practiceId?: string;
}

export class StaffRolesDto {
  @ApiProperty({ enum: STAFF_ROLES, isArray: true, minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(STAFF_ROLES, { each: true })
  roles: StaffRole[];
}

export class CreateStaffAccountDto extends StaffRolesDto {
  @ApiProperty() @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254) email: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) firstName: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) lastName: string;
}

export class StaffReasonDto {
  @ApiProperty({ maxLength: 1000 }) @IsString() @IsNotEmpty() @MaxLength(1000) reason: string;
}

export const SPONSORED_USERS_CHOICES = ['deactivate', 'transfer'] as const;

export class DeactivateUserDto extends StaffReasonDto {
  @ApiPropertyOptional({
    enum: SPONSORED_USERS_CHOICES,
    description: 'Required for a sponsor who still has invited, active or locked sponsored users',
  })
  @IsOptional()
  @IsIn(SPONSORED_USERS_CHOICES)
  sponsoredUsers?: (typeof SPONSORED_USERS_CHOICES)[number];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'With `transfer`: an active sponsor of the same practice',
  })
  @IsOptional()
  @IsUUID('all', { message: 'transferToSponsorId must be a UUID' })
  transferToSponsorId?: string;
}

export class MovePracticeDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'practiceId must be a UUID' })
  practiceId: string;
}

// --- responses ---

export class StaffUserItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: USER_KINDS }) kind: string;
  @ApiProperty() email: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ type: String, nullable: true }) npi: string | null;
  @ApiProperty({ type: PracticeRefDto, nullable: true, description: 'Effective practice' })
  practice: PracticeRefDto | null;
  @ApiProperty({ enum: USER_STATUSES, description: 'Effective status' }) status: string;
  @ApiProperty({ type: String, nullable: true }) lockReason: string | null;
  @ApiProperty() isSponsor: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) sponsorId: string | null;
  @ApiProperty({ enum: STAFF_ROLES, isArray: true, description: 'Empty for non-staff accounts' })
  roles: string[];
  @ApiProperty({ type: Date, format: 'date-time', nullable: true }) lastSignInAt: Date | null;
}

export class StaffUserPageDto {
  @ApiProperty({ type: [StaffUserItemDto] }) items: StaffUserItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class SponsoredUserSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ type: String, nullable: true }) role: string | null;
  @ApiProperty({ enum: USER_STATUSES }) status: string;
}

export class ActiveSessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) lastActiveAt: Date;
  @ApiProperty({ enum: ['password_totp', 'sso'] }) method: string;
}

export class StaffUserDetailDto extends StaffUserItemDto {
  @ApiProperty({ type: [SponsoredUserSummaryDto] }) sponsoredUsers: SponsoredUserSummaryDto[];
  @ApiProperty({ type: [ActiveSessionDto] }) activeSessions: ActiveSessionDto[];
  @ApiProperty({ description: 'An authenticator app is enrolled' }) mfaEnrolled: boolean;
}

export class StaffAccountItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ enum: STAFF_ROLES, isArray: true }) roles: string[];
  @ApiProperty({ enum: USER_STATUSES }) status: string;
  @ApiProperty({ type: Date, format: 'date-time', nullable: true }) lastSignInAt: Date | null;
}

export class StaffAccountPageDto {
  @ApiProperty({ type: [StaffAccountItemDto] }) items: StaffAccountItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class StaffAccountCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['invited'] }) status: 'invited';
}

export class StaffRolesChangedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: STAFF_ROLES, isArray: true }) roles: string[];
}

export class AccountStatusDto {
  @ApiProperty({ enum: USER_STATUSES }) status: string;
  @ApiProperty({ type: String, nullable: true }) lockReason: string | null;
}

export class MfaResetDto {
  @ApiProperty({ description: 'Sessions ended by the reset' }) sessionsEnded: number;
  @ApiProperty({ description: 'A reset-password link was emailed to the owner' }) linkSent: boolean;
}

export class LinkResentDto {
  @ApiProperty({ enum: ['verify_email', 'activate'] }) link: string;
}

export class PracticeMovedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: PracticeRefDto }) practice: PracticeRefDto;
  @ApiProperty({ description: 'Sponsored users who moved with the provider' }) sponsoredUsersMoved: number;
}
