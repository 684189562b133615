import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STAFF_ROLES } from '../entities/user.entity.js';

export const ACCOUNT_KINDS = ['provider', 'sponsored', 'staff'] as const;
export const ACCOUNT_STATUSES = [
  'pending_email',
  'pending_approval',
  'invited',
  'active',
  'locked',
  'deactivated',
  'rejected',
] as const;

export class PracticeRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

/** The account as `GET /me` and the sign-in responses show it. */
export class UserViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ACCOUNT_KINDS }) kind: string;
  @ApiProperty() email: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ type: String, nullable: true, description: 'Providers only' }) npi: string | null;
  @ApiProperty({
    type: PracticeRefDto,
    nullable: true,
    description: "A sponsored user's practice is their sponsor's",
  })
  practice: PracticeRefDto | null;
  @ApiProperty() isSponsor: boolean;
  @ApiProperty({
    enum: ACCOUNT_STATUSES,
    description: 'Effective status: an expired failed-sign-in lock is active',
  })
  status: string;
  @ApiProperty({ type: String, nullable: true }) lockReason: string | null;
  @ApiProperty({ description: 'Signs in through the hospital (no password)' }) hospitalCredentialed: boolean;
  @ApiPropertyOptional({
    enum: STAFF_ROLES,
    isArray: true,
    description: 'Staff only: the roles of the account',
  })
  roles?: string[];
}

export class EmailChangedDto {
  @ApiProperty({ description: 'The new email address of the account' }) email: string;
}

export class PracticeChangeRequestCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
}
