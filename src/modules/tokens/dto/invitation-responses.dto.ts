import { ApiProperty } from '@nestjs/swagger';

/** Response shapes of the token routes (OpenAPI only). */

export class TokenValidatedDto {
  @ApiProperty({ format: 'uuid', description: 'The patient the caller may now view (basis `token`)' })
  patientId: string;
}

export class InvitationIssuedDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time', description: 'First instant the token no longer works (hospital midnight)' })
  expiresAt: Date;

  @ApiProperty({ example: '2027-05-16', description: 'Last hospital date on which the token works' })
  validThrough: string;
}
