import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../../common/auth/auth.decorators.js';
import { ListStaffValidationsDto, StaffValidationPageDto } from './dto/validation.dto.js';
import { ValidationListsService } from './validation-lists.service.js';

/** The team's oversight of the semiannual validation (role `team`). */
@ApiTags('staff')
@StaffOnly()
@Controller('staff/sponsor-validations')
export class StaffSponsorValidationsController {
  constructor(private readonly lists: ValidationListsService) {}

  @Get()
  @ApiOkResponse({ type: StaffValidationPageDto })
  list(@Query() query: ListStaffValidationsDto): Promise<StaffValidationPageDto> {
    return this.lists.staffList(query);
  }
}
