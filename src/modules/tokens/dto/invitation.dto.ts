import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import { dtoShortcut, trimmedAscii } from '../../../common/validation/dto-shortcut.js';
import { INVITATION_STATUSES, type InvitationStatus } from '../invitations.repository.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class PortalInvitationDto {
  @ApiProperty({ example: 'dr.lee@clinic.example', description: 'Where the token is emailed.' })
  @Transform(trimLower)
  @IsEmail({}, { message: 'recipientEmail must be an email address' })
  @MaxLength(254)
  recipientEmail: string;
}

export class StaffInvitationDto extends PortalInvitationDto {
  @ApiProperty({ example: 'MRN0012345', description: 'The patient the token is bound to.' })
  @IsString()
  @Transform(trim)
  @MinLength(1)
  @MaxLength(32)
  mrn: string;
}

export class ValidateTokenDto {
  @ApiProperty({ description: 'The token from the invitation email.' })
  @IsString()
  @Transform(trim)
  @MinLength(1)
  @MaxLength(256)
  token: string;

  @ApiProperty({ description: "The patient's MRN, given to the provider separately." })
  @IsString()
  @Transform(trim)
  @MinLength(1)
  @MaxLength(64)
  mrn: string;
}

// Every token validation (a hot route) reads its body here without class-transformer/-validator; any other shape goes through them.
dtoShortcut(ValidateTokenDto, { token: trimmedAscii(1, 256), mrn: trimmedAscii(1, 64) }, ['token', 'mrn']);

export class InvitationListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INVITATION_STATUSES })
  @IsOptional()
  @IsIn(INVITATION_STATUSES, { message: `status must be one of ${INVITATION_STATUSES.join(', ')}` })
  status?: InvitationStatus;
}

export class StaffInvitationListQueryDto extends InvitationListQueryDto {
  @ApiPropertyOptional({ example: 'MRN0012345' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  mrn?: string;
}
