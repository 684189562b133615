import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { AccountService } from './account.service.js';
import { HospitalAccountDto, ListDto, ListRegistrationsDto, RejectRegistrationDto } from './dto/auth.dto.js';
import { RegistrationService } from './registration.service.js';

@ApiTags('staff')
@StaffOnly()
@Controller('staff')
export class StaffAccountsController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly accounts: AccountService,
  ) {}

  @Get('registrations')
  registrations(@Query() query: ListRegistrationsDto) {
    return this.registration.list(query);
  }

  @Post('registrations/:userId/approve')
  @HttpCode(200)
  approve(@CurrentUser() staff: AuthUser, @Param('userId', UuidParam) userId: string) {
    return this.registration.approve(staff, userId);
  }

  @Post('registrations/:userId/reject')
  @HttpCode(200)
  reject(
    @CurrentUser() staff: AuthUser,
    @Param('userId', UuidParam) userId: string,
    @Body() dto: RejectRegistrationDto,
  ) {
    return this.registration.reject(staff, userId, dto.reason);
  }

  @Post('hospital-accounts')
  hospitalAccount(@CurrentUser() staff: AuthUser, @Body() dto: HospitalAccountDto) {
    return this.registration.createHospitalAccount(staff, dto);
  }

  @Post('users/:userId/unlock')
  @HttpCode(200)
  unlock(@CurrentUser() staff: AuthUser, @Param('userId', UuidParam) userId: string) {
    return this.accounts.unlock(staff, userId);
  }

  @Get('practice-change-requests')
  practiceChangeRequests(@Query() query: ListDto) {
    return this.accounts.listPracticeChangeRequests(query);
  }

  @Get('support-requests')
  supportRequests(@Query() query: ListDto) {
    return this.accounts.listSupportRequests(query);
  }

  @Get('support-requests/:id/screenshot')
  async screenshot(@Param('id', UuidParam) id: string, @Res() res: Response): Promise<void> {
    const { bytes, type } = await this.accounts.screenshot(id);
    res.setHeader('content-type', type);
    res.setHeader('content-disposition', 'inline');
    res.setHeader('cache-control', 'no-store');
    res.send(bytes);
  }
}
