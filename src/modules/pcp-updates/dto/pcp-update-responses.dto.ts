import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { USER_KINDS, USER_STATUSES } from '../../identity/index.js';
import { PCP_UPDATE_EVENT_TYPES, type PcpUpdateEventType } from '../entities/pcp-update-event.entity.js';
import {
  CONFIRMATION_METHODS,
  CONFIRMATION_RELATIONSHIPS,
  PCP_UPDATE_STATUSES,
  type PcpUpdateStatus,
} from '../entities/pcp-update-request.entity.js';

/** Response shapes of the PCP-update routes (services return plain objects of these shapes). */

export class PcpAccessRequestCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['open'] }) status: 'open';
  @ApiProperty({ format: 'date-time', description: 'End of the third business day, hospital time' })
  dueAt: string;
}

export class PcpUpdatePatientDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() mrn: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ type: String, nullable: true, description: "The patient's PCP NPI today" }) pcpNpi:
    string | null;
}

export class PcpUpdatePracticeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
}

export class PcpUpdateSponsorDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) firstName: string | null;
  @ApiProperty({ type: String, nullable: true }) lastName: string | null;
  @ApiProperty({ type: String, nullable: true }) npi: string | null;
}

export class PcpUpdateRequesterDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: USER_KINDS }) kind: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true }) npi: string | null;
  @ApiProperty({ enum: USER_STATUSES, description: 'Stored account status' }) status: string;
  @ApiProperty({
    type: PcpUpdatePracticeDto,
    nullable: true,
    description: "Effective practice (a sponsored user's is their sponsor's)",
  })
  practice: PcpUpdatePracticeDto | null;
  @ApiProperty({ type: PcpUpdateSponsorDto, nullable: true, description: "A sponsored requester's sponsor" })
  sponsor: PcpUpdateSponsorDto | null;
}

export class PcpUpdateAssigneeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) firstName: string | null;
  @ApiProperty({ type: String, nullable: true }) lastName: string | null;
}

export class PcpUpdateConfirmationDto {
  @ApiProperty({ type: String, nullable: true, description: 'Who confirmed (the family member spoken to)' })
  confirmedByName: string | null;
  @ApiProperty({ enum: CONFIRMATION_RELATIONSHIPS, type: String, nullable: true }) relationship:
    string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The relationship in words (with relationship `other`)',
  })
  relationshipOther: string | null;
  @ApiProperty({ enum: CONFIRMATION_METHODS, type: String, nullable: true }) method: string | null;
  @ApiProperty({ format: 'date-time' }) confirmedAt: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The team member who recorded it',
  })
  recordedBy: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) recordedAt: string | null;
}

/** One request as the team's queue shows it. */
export class PcpUpdateItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PCP_UPDATE_STATUSES }) status: PcpUpdateStatus;
  @ApiProperty({ type: PcpUpdatePatientDto }) patient: PcpUpdatePatientDto;
  @ApiProperty({ type: PcpUpdateRequesterDto }) requester: PcpUpdateRequesterDto;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The NPI completing the request makes the patient's PCP (the applied one once completed)",
  })
  pcpNpiToApply: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId: string | null;
  @ApiProperty({ type: PcpUpdateAssigneeDto, nullable: true }) assignee: PcpUpdateAssigneeDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ format: 'date', description: 'Due date, hospital time (YYYY-MM-DD)' }) dueDate: string;
  @ApiProperty({ description: 'Still open or in progress past its due time' }) overdue: boolean;
  @ApiProperty({ type: Number, description: 'Whole days since the request (until it closed)' })
  ageDays: number;
  @ApiProperty({ type: Number, description: 'Business days since the request (until it closed)' })
  ageBusinessDays: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) claimedAt: string | null;
  @ApiProperty({ type: PcpUpdateConfirmationDto, nullable: true })
  confirmation: PcpUpdateConfirmationDto | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) closedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) rejectionReason: string | null;
  @ApiProperty({ type: String, nullable: true }) appliedPcpNpi: string | null;
  @ApiProperty({ type: String, nullable: true }) previousPcpNpi: string | null;
}

export class PcpUpdatePageDto {
  @ApiProperty({ type: [PcpUpdateItemDto] }) items: PcpUpdateItemDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' })
  nextCursor: string | null;
}

/** One transition or recorded fact of a request's history. */
export class PcpUpdateHistoryEntryDto {
  @ApiProperty({ description: 'Increasing event id (bigint as text)' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: PCP_UPDATE_EVENT_TYPES }) type: PcpUpdateEventType;
  @ApiProperty({ enum: PCP_UPDATE_STATUSES, type: String, nullable: true })
  fromStatus: PcpUpdateStatus | null;
  @ApiProperty({ enum: PCP_UPDATE_STATUSES }) toStatus: PcpUpdateStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorId: string | null;
  @ApiProperty({ type: String, nullable: true }) actorName: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What the event recorded (e.g. the confirmation, the reason)',
  })
  details: Record<string, unknown>;
}

export class PcpUpdateDetailDto extends PcpUpdateItemDto {
  @ApiProperty({ type: [PcpUpdateHistoryEntryDto], description: 'Every transition, oldest first' })
  history: PcpUpdateHistoryEntryDto[];
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The PCP change sent to the EHR (once completed)',
  })
  ehrChangeId: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the EHR acknowledged the PCP change (null: not yet, or not completed)',
  })
  ehrAcknowledgedAt: string | null;
}

/** One of the caller's own PCP access requests. */
export class OwnPcpRequestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) patientId: string;
  @ApiProperty({ enum: PCP_UPDATE_STATUSES }) status: PcpUpdateStatus;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiPropertyOptional({
    enum: ['pcp_set', 'rejected'],
    description: 'Once decided: `pcp_set` (completed) or `rejected`',
  })
  outcome?: 'pcp_set' | 'rejected';
}

export class OwnPcpRequestPageDto {
  @ApiProperty({ type: [OwnPcpRequestDto] }) items: OwnPcpRequestDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' })
  nextCursor: string | null;
}

export class PcpUpdateTransitionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PCP_UPDATE_STATUSES }) status: PcpUpdateStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId: string | null;
}

export class PcpUpdateCompletedDto extends PcpUpdateTransitionDto {
  @ApiProperty({ description: "The NPI now the patient's PCP" }) pcpNpi: string;
}
