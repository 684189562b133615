import { ApiProperty } from '@nestjs/swagger';
import {
  LOCK_REASONS,
  type LockReason,
  SPONSORED_ROLES,
  type SponsoredRole,
  USER_STATUSES,
  type UserStatus,
} from '../../identity/index.js';

export class EnrollResponseDto {
  @ApiProperty({ type: Boolean, example: true, description: 'Always true' }) isSponsor: true;
}

export class CreatedSponsoredUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['invited'] }) status: 'invited';
}

export class ReplacedEmailDto {
  @ApiProperty({ format: 'uuid', description: 'The new invited account; the old one is deactivated' })
  id: string;
}

/** One of the sponsor's sponsored users, as the list shows it. */
export class SponsoredUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ enum: SPONSORED_ROLES }) role: SponsoredRole;
  @ApiProperty({ enum: USER_STATUSES }) status: UserStatus;
  @ApiProperty({ enum: LOCK_REASONS, nullable: true, type: String }) lockReason: LockReason | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class SponsoredUserPageDto {
  @ApiProperty({ type: [SponsoredUserDto] }) items: SponsoredUserDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' })
  nextCursor: string | null;
}
