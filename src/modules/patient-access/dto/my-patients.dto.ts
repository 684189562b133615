import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import { ACCESS_BASES, type AccessBasis } from '../access-decision.repository.js';
import { PatientIdentityDto } from './patient-responses.dto.js';

export class MyPatientsQuery extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'An exact MRN, or the start of a first or last name (case- and accent-insensitive)',
    example: 'mart',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class MyPatientDto extends PatientIdentityDto {
  @ApiProperty({ enum: ACCESS_BASES })
  basis: AccessBasis;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the basis is a personal grant: when it expires',
  })
  grantExpiresAt?: string;

  @ApiProperty({
    description:
      'Documents shown to the caller received or changed since they last opened the record (all if never)',
  })
  newDocuments: number;
}

export class MyPatientPageDto {
  @ApiProperty({ type: [MyPatientDto], description: 'By last name, first name' })
  items: MyPatientDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor: string | null;
}
