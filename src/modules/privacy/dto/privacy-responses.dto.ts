import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AuditPersonDto } from '../../audit/index.js';
import { ALERT_KINDS, ALERT_STATUSES } from '../entities/alert.entity.js';

const NEXT_CURSOR = { type: String, nullable: true } as const;

export class AuditEventDto {
  @ApiProperty({ example: '4711', description: 'The entry id (a decimal bigint)' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({
    type: AuditPersonDto,
    nullable: true,
    description: 'Null for entries by a system (EHR, portal, jobs)',
  })
  user: AuditPersonDto | null;

  @ApiProperty({
    example: 'provider',
    description: '`provider`, `sponsored`, `staff`, `ehr`, `portal`, `system` or `anonymous`',
  })
  actorKind: string;

  @ApiProperty({ example: 'patient.view' })
  action: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  patientId: string | null;

  @ApiProperty({ type: String, nullable: true })
  basis: string | null;

  @ApiProperty({ enum: ['success', 'denied', 'failure'] })
  outcome: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  details: Record<string, unknown>;
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto], description: 'Newest first (the CSV export: oldest first)' })
  items: AuditEventDto[];

  @ApiProperty(NEXT_CURSOR)
  nextCursor: string | null;
}

export class DisclosureDto {
  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ type: AuditPersonDto })
  user: AuditPersonDto;

  @ApiProperty({ enum: ['patient.view', 'patient.documents', 'patient.search', 'patient.list'] })
  action: string;

  @ApiProperty({ type: String, nullable: true, example: 'care_team' })
  basis: string | null;
}

export class DisclosurePageDto {
  @ApiProperty({ type: [DisclosureDto], description: 'Newest first' })
  items: DisclosureDto[];

  @ApiProperty(NEXT_CURSOR)
  nextCursor: string | null;
}

export class AlertDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ enum: ALERT_KINDS })
  kind: string;

  @ApiProperty({ format: 'uuid', description: 'The account the alert is about' })
  userId: string;

  @ApiProperty()
  summary: string;

  @ApiProperty({ enum: ALERT_STATUSES })
  status: string;

  @ApiPropertyOptional({ format: 'date-time' })
  resolvedAt?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  resolvedBy?: string;

  @ApiPropertyOptional()
  note?: string;
}

export class AlertPageDto {
  @ApiProperty({ type: [AlertDto], description: 'Newest first' })
  items: AlertDto[];

  @ApiProperty(NEXT_CURSOR)
  nextCursor: string | null;
}
