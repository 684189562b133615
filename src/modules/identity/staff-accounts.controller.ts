import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import { AccountUnlockService } from './account-unlock.service.js';
import { HospitalAccountDto, ListRegistrationsDto, RejectRegistrationDto } from './dto/auth.dto.js';
import {
  AccountUnlockedDto,
  HospitalAccountCreatedDto,
  RegistrationApprovedDto,
  RegistrationPageDto,
  RegistrationRejectedDto,
} from './dto/registrations.dto.js';
import { RegistrationReviewService } from './registration-review.service.js';
import { RegistrationService } from './registration.service.js';

@ApiTags('staff')
@StaffOnly()
@Controller('staff')
export class StaffAccountsController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly review: RegistrationReviewService,
    private readonly unlocks: AccountUnlockService,
  ) {}

  @Get('registrations')
  @ApiOkResponse({ type: RegistrationPageDto })
  registrations(@Query() query: ListRegistrationsDto): Promise<RegistrationPageDto> {
    return this.review.list(query);
  }

  @Post('registrations/:userId/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: RegistrationApprovedDto })
  approve(
    @CurrentUser() staff: AuthUser,
    @Param('userId', UuidParam) userId: string,
  ): Promise<RegistrationApprovedDto> {
    return this.review.approve(staff, userId);
  }

  @Post('registrations/:userId/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: RegistrationRejectedDto })
  reject(
    @CurrentUser() staff: AuthUser,
    @Param('userId', UuidParam) userId: string,
    @Body() dto: RejectRegistrationDto,
  ): Promise<RegistrationRejectedDto> {
    return this.review.reject(staff, userId, dto.reason);
  }

  @Post('hospital-accounts')
  @ApiCreatedResponse({ type: HospitalAccountCreatedDto })
  hospitalAccount(
    @CurrentUser() staff: AuthUser,
    @Body() dto: HospitalAccountDto,
  ): Promise<HospitalAccountCreatedDto> {
    return this.registration.createHospitalAccount(staff, dto);
  }

  @Post('users/:userId/unlock')
  @HttpCode(200)
  @ApiOkResponse({ type: AccountUnlockedDto })
  unlock(
    @CurrentUser() staff: AuthUser,
    @Param('userId', UuidParam) userId: string,
  ): Promise<AccountUnlockedDto> {
    return this.unlocks.unlock(staff, userId);
  }
}
