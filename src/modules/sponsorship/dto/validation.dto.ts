import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import { SPONSORED_ROLES, type SponsoredRole } from '../../identity/index.js';

export const VALIDATION_STATUSES = ['pending', 'overdue', 'completed'] as const;
export type ValidationStatus = (typeof VALIDATION_STATUSES)[number];

/** A sponsored user listed on a validation. */
export class ValidationUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: SPONSORED_ROLES }) role: SponsoredRole;
}

/** The sponsor's open validation. */
export class ValidationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2027-04', description: '`YYYY-04` or `YYYY-10`' }) period: string;
  @ApiProperty({ format: 'date-time', description: 'Hospital midnight at the start of the due date' })
  dueAt: string;
  @ApiProperty({
    format: 'date',
    example: '2027-04-30',
    description: 'The last hospital date to complete it (the day before dueAt)',
  })
  lastDay: string;
  @ApiProperty({ enum: VALIDATION_STATUSES }) status: ValidationStatus;
  @ApiProperty({ type: [ValidationUserDto] }) users: ValidationUserDto[];
}

export class ValidationCompletedDto {
  @ApiProperty({ enum: ['completed'] }) status: 'completed';
}

export type ValidationView = ValidationDto;

/** One of the sponsor's validations, in their history. */
export class ValidationHistoryItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2027-04' }) period: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ format: 'date', example: '2027-04-30' }) lastDay: string;
  @ApiProperty({ enum: VALIDATION_STATUSES }) status: ValidationStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty({ description: 'Users it lists (while open: those still on record)' }) userCount: number;
}

export class ValidationHistoryPageDto {
  @ApiProperty({ type: [ValidationHistoryItemDto] }) items: ValidationHistoryItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
  @ApiProperty({ format: 'date', example: '2027-10-01', description: 'Hospital date the next period opens' })
  nextPeriodOpensOn: string;
}

export class ValidationSponsorDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ description: 'The sponsor account status (locked: see lockReason)' }) status: string;
  @ApiProperty({ type: String, nullable: true }) lockReason: string | null;
}

export class StaffValidationItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: ValidationSponsorDto }) sponsor: ValidationSponsorDto;
  @ApiProperty({ example: '2027-04' }) period: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ format: 'date', example: '2027-04-30' }) lastDay: string;
  @ApiProperty({ enum: VALIDATION_STATUSES }) status: ValidationStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty() userCount: number;
}

export class StaffValidationPageDto {
  @ApiProperty({ type: [StaffValidationItemDto] }) items: StaffValidationItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class ListStaffValidationsDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: '2027-04',
    description: '`YYYY-04` or `YYYY-10`; default the current period',
  })
  @IsOptional()
  @Matches(/^\d{4}-(04|10)$/, { message: 'period must be YYYY-04 or YYYY-10' })
  period?: string;
  @ApiPropertyOptional({ enum: VALIDATION_STATUSES })
  @IsOptional()
  @IsIn(VALIDATION_STATUSES)
  status?: ValidationStatus;
}
