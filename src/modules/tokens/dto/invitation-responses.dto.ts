import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Response shapes of the token routes (OpenAPI only). */

export class TokenValidatedDto {
  @ApiProperty({ format: 'uuid', description: 'The patient the caller may now view (basis `token`)' })
  patientId: string;
}

export class InvitationIssuedDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    format: 'date-time',
    description: 'First instant the token no longer works (hospital midnight)',
  })
  expiresAt: Date;

  @ApiProperty({ example: '2027-05-16', description: 'Last hospital date on which the token works' })
  validThrough: string;
}

const INVITATION_STATUS_VALUES = ['pending', 'used', 'expired', 'cancelled'] as const;

export class InvitationViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiPropertyOptional({ description: 'Staff list only', example: 'MRN0012345' })
  mrn?: string;

  @ApiProperty({ example: 'dr.lee@clinic.example' })
  recipientEmail: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', description: 'First instant the token no longer works' })
  expiresAt: string;

  @ApiProperty({ enum: INVITATION_STATUS_VALUES })
  status: (typeof INVITATION_STATUS_VALUES)[number];
}

export class InvitationViewPageDto {
  @ApiProperty({ type: [InvitationViewDto], description: 'Newest first' })
  items: InvitationViewDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor: string | null;
}
