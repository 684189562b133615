import { ApiProperty } from '@nestjs/swagger';
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
  @ApiProperty({ enum: VALIDATION_STATUSES }) status: ValidationStatus;
  @ApiProperty({ type: [ValidationUserDto] }) users: ValidationUserDto[];
}

export class ValidationCompletedDto {
  @ApiProperty({ enum: ['completed'] }) status: 'completed';
}

export type ValidationView = ValidationDto;
