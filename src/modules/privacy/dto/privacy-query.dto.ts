import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import { ALERT_STATUSES, type AlertStatus } from '../entities/alert.entity.js';

const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = (field: string) => `${field} must be a date YYYY-MM-DD`;

/** `GET /staff/audit-events` (API.md v1.1 "Privacy"). */
export class AuditEventsQuery extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'patientId must be a UUID' })
  patientId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Everything one user did (the per-user report)' })
  @IsOptional()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId?: string;

  @ApiPropertyOptional({ example: 'patient.', description: 'An exact action, or a prefix ending in `.`' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  @Matches(/^[a-z0-9_]+(\.[a-z0-9_]+)*\.?$/, {
    message: 'action must be an action name, or a prefix ending in .',
  })
  action?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES, { message: `outcome must be one of ${AUDIT_OUTCOMES.join(', ')}` })
  outcome?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Hospital date, inclusive; required for CSV' })
  @IsOptional()
  @IsString()
  @Matches(DATE, { message: DATE_MESSAGE('from') })
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    description: 'Hospital date, inclusive; required for CSV (at most 366 days after from)',
  })
  @IsOptional()
  @IsString()
  @Matches(DATE, { message: DATE_MESSAGE('to') })
  to?: string;
}

/** `GET /staff/patients/:patientId/disclosures`. */
export class DisclosuresQuery extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'date',
    description: 'Hospital date, inclusive; default six years before today',
  })
  @IsOptional()
  @IsString()
  @Matches(DATE, { message: DATE_MESSAGE('from') })
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Hospital date, inclusive; default today' })
  @IsOptional()
  @IsString()
  @Matches(DATE, { message: DATE_MESSAGE('to') })
  to?: string;
}

export class AlertsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: ALERT_STATUSES })
  @IsOptional()
  @IsIn(ALERT_STATUSES, { message: `status must be one of ${ALERT_STATUSES.join(', ')}` })
  status?: AlertStatus;
}

export class ResolveAlertDto {
  @ApiPropertyOptional({
    maxLength: 2000,
    description: "The privacy officer's note (kept with the alert; never emailed)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
