import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { MRN_PATTERN } from '../ehr-feed.service.js';
import { PatientIdentityDto } from './patient-responses.dto.js';

/** `GET /staff/patients?mrn=`: the exact MRN (as the EHR feed accepts them). */
export class StaffPatientLookupQuery {
  @ApiProperty({
    example: 'MRN0012345',
    description: 'Exact MRN: 1 to 32 letters, digits, dots, dashes or underscores',
  })
  @IsString({ message: 'mrn is required' })
  @Matches(MRN_PATTERN, { message: 'mrn must be 1 to 32 letters, digits, dots, dashes or underscores' })
  mrn: string;
}

export class StaffPatientLookupDto {
  @ApiProperty({
    type: [PatientIdentityDto],
    description: 'The patient with this MRN (one item: MRNs are unique); 404 `not_found` when none has it',
  })
  items: PatientIdentityDto[];
}
