import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AuditPracticeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;
}

/** A person as v1.1 responses show them (API.md v1.1 intro): `{id, name, kind, npi?, practice?}`. */
export class AuditPersonDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Dana Reyes' })
  name: string;

  @ApiProperty({ enum: ['provider', 'sponsored', 'staff'] })
  kind: string;

  @ApiPropertyOptional({ description: 'Providers only' })
  npi?: string;

  @ApiPropertyOptional({
    type: AuditPracticeDto,
    description: "The effective practice (a sponsored user's: the sponsor's)",
  })
  practice?: AuditPracticeDto;
}
