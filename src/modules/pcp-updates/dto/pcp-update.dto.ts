import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { IsNpi } from '../../../common/validation/npi.js';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import {
  CONFIRMATION_METHODS,
  CONFIRMATION_RELATIONSHIPS,
  PCP_UPDATE_STATUSES,
  type ConfirmationMethod,
  type ConfirmationRelationship,
} from '../entities/pcp-update-request.entity.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** `relationshipOther`: 1–200 characters (trimmed) with relationship `other`; absent with any other relationship. */
function RelationshipOtherRule() {
  return ValidateBy({
    name: 'relationshipOtherRule',
    validator: {
      validate: (value: unknown, args) => {
        const other = (args?.object as { relationship?: unknown }).relationship === 'other';
        if (!other) return value === undefined;
        return typeof value === 'string' && value.length >= 1 && value.length <= 200;
      },
      defaultMessage: (args) =>
        (args?.object as { relationship?: unknown }).relationship === 'other'
          ? 'relationshipOther must be 1 to 200 characters when relationship is other'
          : 'relationshipOther is allowed only when relationship is other',
    },
  });
}

export class CreatePcpAccessRequestDto {
  @ApiPropertyOptional({
    maxLength: 1000,
    description: 'Context for the team (e.g. "new patient, first visit 12/3").',
  })
  @IsOptional()
  @IsString()
  @Transform(trim)
  @MaxLength(1000)
  note?: string;
}

export class RecordConfirmationDto {
  @ApiProperty({
    example: 'Jordan Rivera',
    maxLength: 200,
    description: 'Who confirmed (the family member spoken to).',
  })
  @IsString()
  @Transform(trim)
  @IsNotEmpty()
  @MaxLength(200)
  confirmedByName: string;

  @ApiProperty({
    enum: CONFIRMATION_RELATIONSHIPS,
    description: 'Relationship of the confirming person to the patient.',
  })
  @IsIn(CONFIRMATION_RELATIONSHIPS)
  relationship: ConfirmationRelationship;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    example: 'aunt, with the parents’ written consent',
    description: 'The relationship in words: required with relationship `other`, refused otherwise.',
  })
  @Transform(trim)
  @RelationshipOtherRule()
  relationshipOther?: string;

  @ApiProperty({ enum: CONFIRMATION_METHODS, description: 'How the family confirmed.' })
  @IsIn(CONFIRMATION_METHODS)
  method: ConfirmationMethod;

  @ApiProperty({
    example: '2026-11-17T10:15:00-05:00',
    description: 'Instant with offset; not in the future, not before the request.',
  })
  @IsString()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/, {
    message: 'confirmedAt must be an instant with a time and an offset',
  })
  confirmedAt: string;
}

export class CompletePcpUpdateDto {
  @ApiPropertyOptional({
    example: '1234567893',
    description:
      "The physician the family confirmed: one of the requester's practice's physicians (provider members and roster; a sponsored " +
      "requester's: the sponsor's practice). Default: the requester, or a sponsored requester's sponsor.",
  })
  @IsOptional()
  @IsNpi()
  pcpNpi?: string;
}

export class RejectPcpUpdateDto {
  @ApiProperty({
    maxLength: 1000,
    description: 'Why the request is rejected (kept with the request; not emailed).',
  })
  @IsString()
  @Transform(trim)
  @IsNotEmpty()
  @MaxLength(1000)
  reason: string;
}

export const QUEUE_STATUS_FILTERS = [...PCP_UPDATE_STATUSES, 'active'] as const;

export class ListPcpUpdatesQuery extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      'Comma-separated statuses: open, in_progress, completed, rejected, withdrawn, or active (= open,in_progress). Default: all.',
    example: 'active',
  })
  @IsOptional()
  @IsString()
  @Matches(
    /^(open|in_progress|completed|rejected|withdrawn|active)(,(open|in_progress|completed|rejected|withdrawn|active))*$/,
    {
      message:
        'status must be a comma-separated list of open, in_progress, completed, rejected, withdrawn, active',
    },
  )
  status?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Only late (true) or only not late (false) requests.',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'A staff user id, `me` or `none` (unassigned).' })
  @IsOptional()
  @Matches(/^(me|none|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/, {
    message: 'assignee must be a user id, me or none',
  })
  assignee?: string;
}

export class ListOwnPcpRequestsQuery extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Comma-separated statuses: open, in_progress, completed, rejected, withdrawn. Default: all.',
  })
  @IsOptional()
  @IsString()
  @Matches(
    /^(open|in_progress|completed|rejected|withdrawn)(,(open|in_progress|completed|rejected|withdrawn))*$/,
    {
      message: 'status must be a comma-separated list of open, in_progress, completed, rejected, withdrawn',
    },
  )
  status?: string;
}
