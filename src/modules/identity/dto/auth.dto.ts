import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';

export class NewPracticeDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(500) address: string;
  @ApiPropertyOptional({ description: 'Taken from the address when omitted' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  city?: string;
  @ApiProperty()
  @IsString()
  @Matches(/^[0-9+().\-\s]{7,40}$/, { message: 'phone must be a phone number' })
  phone: string;
  @ApiProperty()
  @IsString()
  @Matches(/^[0-9+().\-\s]{7,40}$/, { message: 'fax must be a phone number' })
  fax: string;
}

export class RegisterDto {
  @ApiProperty() @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254) email: string;
  @ApiProperty() @IsString() @MaxLength(256) password: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) firstName: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) lastName: string;
  @ApiProperty({ example: '1234567893' }) @IsString() @MaxLength(20) npi: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all', { message: 'practiceId must be a UUID' })
  practiceId?: string;
  @ApiPropertyOptional({ type: NewPracticeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => NewPracticeDto)
  newPractice?: NewPracticeDto;
}

export class TokenDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) token: string;
}

export class TokenPasswordDto extends TokenDto {
  @ApiProperty() @IsString() @MaxLength(256) password: string;
}

export class LoginDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(254) email: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(256) password: string;
}

export class MfaDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(2000) mfaToken: string;
  @ApiProperty({ example: '123456' }) @IsString() @IsNotEmpty() @MaxLength(10) code: string;
}

export class RefreshDto {
  /** Optional since v1.1: the web app sends the `mp_refresh` cookie instead (refresh-cookie.ts). */
  @ApiPropertyOptional({ description: 'Required unless the refresh-token cookie is sent' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  refreshToken?: string;
}

export class ForgotDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(254) email: string;
}

export class ChangeEmailDto {
  @ApiProperty()
  @IsEmail({}, { message: 'newEmail must be an email address' })
  @MaxLength(254)
  newEmail: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(256) password: string;
}

export class PracticeChangeRequestDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) newPracticeName: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(500) address: string;
  @ApiProperty()
  @IsString()
  @Matches(/^[0-9+().\-\s]{7,40}$/, { message: 'phone must be a phone number' })
  phone: string;
  @ApiProperty()
  @IsString()
  @Matches(/^[0-9+().\-\s]{7,40}$/, { message: 'fax must be a phone number' })
  fax: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;
  @ApiProperty() @IsBoolean() wasSponsor: boolean;
}

export class SsoExchangeDto {
  @ApiProperty({ description: 'The one-time code of `${PORTAL_URL}/sso?code=` (60 s)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  code: string;
}

export class SupportRequestDto {
  @ApiPropertyOptional({
    description: 'Signed out only (required then): the login email the problem concerns',
  })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;
  @ApiPropertyOptional({ description: 'Signed out only (required then)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(201)
  name?: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(10000) description: string;
  @ApiPropertyOptional({
    description: 'base64 PNG or JPEG, at most 5 MiB decoded (a data: URL prefix is accepted)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(7_200_000)
  screenshot?: string;
}

export class PracticeSearchDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export const REGISTRATION_STATUSES = ['pending_email', 'pending_approval', 'active', 'rejected'] as const;

export class ListRegistrationsDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REGISTRATION_STATUSES, default: 'pending_approval' })
  @IsOptional()
  @IsIn(REGISTRATION_STATUSES)
  status?: (typeof REGISTRATION_STATUSES)[number];
}

export class ListDto extends PageQueryDto {}

export class RejectRegistrationDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1000) reason: string;
}

export class HospitalAccountDto {
  @ApiProperty()
  @IsString()
  @Matches(/^[A-Za-z0-9._@:-]{1,100}$/, { message: 'hospitalId must be 1-100 letters, digits or ._@:-' })
  hospitalId: string;
  @ApiProperty() @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254) email: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) firstName: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) lastName: string;
  @ApiProperty() @IsString() @MaxLength(20) npi: string;
  @ApiProperty() @IsUUID('all', { message: 'practiceId must be a UUID' }) practiceId: string;
}
