import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsNpi } from '../../../common/validation/npi.js';
import { ACCESS_REQUEST_STATUSES, type AccessRequestStatus } from '../entities/access-request.entity.js';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateAccessRequestDto {
  @ApiPropertyOptional({
    description: 'Why the requester needs access (shown to the patient or guardian).',
    maxLength: 1000,
  })
  @IsOptional()
  @IsString()
  @Transform(trim)
  @MaxLength(1000)
  reason?: string;
}

export class AccessRequestListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ACCESS_REQUEST_STATUSES })
  @IsOptional()
  @IsIn(ACCESS_REQUEST_STATUSES, { message: `status must be one of ${ACCESS_REQUEST_STATUSES.join(', ')}` })
  status?: AccessRequestStatus;
}

export class AccessRequestDecisionDto {
  @ApiProperty({ enum: ['approve', 'deny'] })
  @IsIn(['approve', 'deny'], { message: 'decision must be approve or deny' })
  decision: 'approve' | 'deny';

  @ApiProperty({
    description: "The portal's identifier (or name) of the account holder who decided.",
    maxLength: 200,
  })
  @IsString()
  @Transform(trim)
  @MinLength(1)
  @MaxLength(200)
  decidedBy: string;
}

export class CareTeamDto {
  @ApiProperty({
    type: [String],
    description: 'NPIs of the whole care team (replaces it; duplicates ignored).',
  })
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @IsNpi({ each: true })
  npis: string[];
}

export class AccessRequestFeedQueryDto extends AccessRequestListQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Only requests whose last status change is after this instant (exclusive)',
  })
  @IsOptional()
  @IsISO8601(
    { strict: true, strictSeparator: true },
    { message: 'since must be an ISO 8601 instant with an offset' },
  )
  @Matches(/T.*(Z|[+-]\d{2}:?\d{2})$/, { message: 'since must be an ISO 8601 instant with an offset' })
  since?: string;
}
