import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import { SPONSORED_ROLES, type SponsoredRole, USER_STATUSES, type UserStatus } from '../../identity/index.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class CreateSponsoredUserDto {
  @ApiProperty({ example: 'nurse.jones@practice.example' })
  @Transform(lower)
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;

  @ApiProperty({ example: 'Jamie' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  firstName: string;

  @ApiProperty({ example: 'Jones' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  lastName: string;

  @ApiProperty({ enum: SPONSORED_ROLES })
  @IsIn(SPONSORED_ROLES, { message: `role must be one of ${SPONSORED_ROLES.join(', ')}` })
  role: SponsoredRole;
}

export class ReplaceEmailDto {
  @ApiProperty({ example: 'jamie.jones@new-address.example' })
  @Transform(lower)
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'newEmail must be an email address' })
  newEmail: string;
}

export class ListSponsoredUsersQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: USER_STATUSES, description: 'Only accounts in this status' })
  @IsOptional()
  @IsIn(USER_STATUSES)
  status?: UserStatus;
}

export class ValidationDecisionDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId: string;

  @ApiProperty({ description: 'true to keep the account, false to deactivate it' })
  @IsBoolean({ message: 'keep must be true or false' })
  keep: boolean;
}

export class CompleteValidationDto {
  @ApiProperty({ type: [ValidationDecisionDto] })
  @IsArray()
  @ArrayMinSize(0)
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => ValidationDecisionDto)
  decisions: ValidationDecisionDto[];
}
