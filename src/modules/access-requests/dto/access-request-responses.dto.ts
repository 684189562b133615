import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACCESS_REQUEST_STATUSES, type AccessRequestStatus } from '../entities/access-request.entity.js';

/** Response shapes of the access-request, portal and staff-grant routes (OpenAPI only). */

const NEXT_CURSOR = {
  type: String,
  nullable: true,
  description: 'Pass as `cursor` for the next page; null on the last',
} as const;

export class CreatedAccessRequestDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['pending'] })
  status: 'pending';

  @ApiProperty({ format: 'date-time', description: '30 days after the request' })
  expiresAt: Date;
}

export class MyAccessRequestDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  patientId: string;

  @ApiProperty({ enum: ACCESS_REQUEST_STATUSES })
  status: AccessRequestStatus;

  @ApiProperty({ type: String, nullable: true })
  reason: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  expiresAt: Date;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt: Date | null;
}

export class MyAccessRequestPageDto {
  @ApiProperty({ type: [MyAccessRequestDto], description: 'Newest first' })
  items: MyAccessRequestDto[];

  @ApiProperty(NEXT_CURSOR)
  nextCursor: string | null;
}

export class RequesterDto {
  @ApiProperty({ example: 'Dana Reyes' })
  name: string;

  @ApiProperty({ type: String, nullable: true })
  npi: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The requester's practice (a sponsored user's: the sponsor's)",
  })
  practice: string | null;

  @ApiProperty({ enum: ['provider', 'sponsored'] })
  kind: string;
}

export class PortalAccessRequestDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: RequesterDto })
  requester: RequesterDto;

  @ApiProperty({ type: String, nullable: true })
  reason: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt: string | null;

  @ApiProperty({ enum: ACCESS_REQUEST_STATUSES })
  status: AccessRequestStatus;
}

export class PortalAccessRequestPageDto {
  @ApiProperty({ type: [PortalAccessRequestDto], description: 'Newest first' })
  items: PortalAccessRequestDto[];

  @ApiProperty(NEXT_CURSOR)
  nextCursor: string | null;
}

export class AccessRequestDecisionResultDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['approved', 'denied'] })
  status: 'approved' | 'denied';

  @ApiProperty({ format: 'date-time' })
  decidedAt: Date;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The grant an approval created' })
  grantId: string | null;
}

export class CareTeamResultDto {
  @ApiProperty()
  mrn: string;

  @ApiProperty({ type: [String], description: 'The care team now (sorted, distinct)' })
  npis: string[];
}

export class GrantViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty()
  userName: string;

  @ApiProperty()
  userEmail: string;

  @ApiProperty({ enum: ['approved_request', 'token'] })
  basis: 'approved_request' | 'token';

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The access request or invitation',
  })
  sourceId: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({
    format: 'date-time',
    description:
      'First instant the grant no longer applies (ACCESS_GRANT_MONTHS after it was made or renewed, hospital midnight)',
  })
  expiresAt: Date;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Ended: revoked, or expired (then equal to expiresAt, revokedBy null)',
  })
  revokedAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  revokedBy: string | null;
}

export class GrantViewPageDto {
  @ApiProperty({ type: [GrantViewDto], description: 'Newest first' })
  items: GrantViewDto[];

  @ApiProperty(NEXT_CURSOR)
  nextCursor: string | null;
}

export class PortalAccessRequestFeedItemDto extends PortalAccessRequestDto {
  @ApiProperty({ example: 'MRN0012345', description: "The patient's MRN" })
  mrn: string;

  @ApiProperty({
    format: 'date-time',
    description: 'The last status change (creation while pending); `since` compares with it',
  })
  changedAt: string;
}

export class PortalAccessRequestFeedPageDto {
  @ApiProperty({ type: [PortalAccessRequestFeedItemDto], description: 'Oldest status change first' })
  items: PortalAccessRequestFeedItemDto[];

  @ApiProperty(NEXT_CURSOR)
  nextCursor: string | null;
}

export class PortalViewerDto {
  @ApiProperty({ enum: ['practice', 'provider', 'user'] })
  kind: 'practice' | 'provider' | 'user';

  @ApiProperty({ type: String, nullable: true, description: 'The practice or the person' })
  name: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'provider and user entries' })
  npi?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: "provider and user entries: the practice's name",
  })
  practice?: string | null;

  @ApiProperty({ enum: ['pcp_practice', 'care_team', 'approved_request', 'token'] })
  basis: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'user entries: when the grant was made' })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'user entries: when the grant expires' })
  expiresAt?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'user entries: revoke with DELETE …/access-grants/:grantId',
  })
  grantId?: string;
}

export class PortalViewerListDto {
  @ApiProperty({ type: [PortalViewerDto] })
  items: PortalViewerDto[];
}
