import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { StaffPatientLookupDto, StaffPatientLookupQuery } from './dto/staff-patients.dto.js';
import { StaffPatientsService } from './staff-patients.service.js';

/** Addition to API.md (docs/api-additions.md): staff turn an MRN into the patient's id. */
@ApiTags('staff')
@Controller('staff/patients')
@StaffOnly()
@Roles('team', 'privacy')
export class StaffPatientsController {
  constructor(private readonly lookups: StaffPatientsService) {}

  @Get()
  @ApiOkResponse({
    type: StaffPatientLookupDto,
    description: 'Audited: staff.patient_read with details.route',
  })
  @ApiBadRequestResponse({ description: '`validation_failed` (field `mrn`): missing or malformed MRN' })
  @ApiNotFoundResponse({
    description: '`not_found`: no patient has this MRN (the look-up is audited all the same)',
  })
  lookUp(@CurrentUser() user: AuthUser, @Query() query: StaffPatientLookupQuery) {
    return this.lookups.findByMrn(user, query.mrn);
  }
}
