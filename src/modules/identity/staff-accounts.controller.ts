import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import { AccountUnlockService } from './account-unlock.service.js';
import { HospitalAccountDto, ListDto, ListRegistrationsDto, RejectRegistrationDto } from './dto/auth.dto.js';
import { PracticeChangeRequestPageDto } from './dto/practice-change-requests.dto.js';
import {
  AccountUnlockedDto,
  HospitalAccountCreatedDto,
  RegistrationApprovedDto,
  RegistrationPageDto,
  RegistrationRejectedDto,
} from './dto/registrations.dto.js';
import { SupportRequestPageDto } from './dto/support-requests.dto.js';
import { PracticeChangeRequestsService } from './practice-change-requests.service.js';
import { RegistrationReviewService } from './registration-review.service.js';
import { RegistrationService } from './registration.service.js';
import { SupportRequestsService } from './support-requests.service.js';

@ApiTags('staff')
@StaffOnly()
@Controller('staff')
export class StaffAccountsController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly review: RegistrationReviewService,
    private readonly unlocks: AccountUnlockService,
    private readonly practiceChanges: PracticeChangeRequestsService,
    private readonly support: SupportRequestsService,
  ) {}

  @Get('registrations')
  @ApiOkResponse({ type: RegistrationPageDto })
  registrations(@Query() query: ListRegistrationsDto): Promise<RegistrationPageDto> {
    return this.review.list(query);
  }

  @Post('registrations/:userId/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: RegistrationApprovedDto })
  approve(@CurrentUser() staff: AuthUser, @Param('userId', UuidParam) userId: string): Promise<RegistrationApprovedDto> {
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
  hospitalAccount(@CurrentUser() staff: AuthUser, @Body() dto: HospitalAccountDto): Promise<HospitalAccountCreatedDto> {
    return this.registration.createHospitalAccount(staff, dto);
  }

  @Post('users/:userId/unlock')
  @HttpCode(200)
  @ApiOkResponse({ type: AccountUnlockedDto })
  unlock(@CurrentUser() staff: AuthUser, @Param('userId', UuidParam) userId: string): Promise<AccountUnlockedDto> {
    return this.unlocks.unlock(staff, userId);
  }

  @Get('practice-change-requests')
  @ApiOkResponse({ type: PracticeChangeRequestPageDto })
  practiceChangeRequests(@Query() query: ListDto): Promise<PracticeChangeRequestPageDto> {
    return this.practiceChanges.list(query);
  }

  @Get('support-requests')
  @ApiOkResponse({ type: SupportRequestPageDto })
  supportRequests(@CurrentUser() staff: AuthUser, @Query() query: ListDto): Promise<SupportRequestPageDto> {
    return this.support.list(staff, query);
  }

  @Get('support-requests/:id/screenshot')
  @Header('cache-control', 'no-store')
  @ApiProduces('image/png', 'image/jpeg')
  @ApiOkResponse({
    description: 'The screenshot as uploaded; 404 when the request has none',
    content: {
      'image/png': { schema: { type: 'string', format: 'binary' } },
      'image/jpeg': { schema: { type: 'string', format: 'binary' } },
    },
  })
  async screenshot(@CurrentUser() staff: AuthUser, @Param('id', UuidParam) id: string): Promise<StreamableFile> {
    const { bytes, type } = await this.support.screenshot(staff, id);
    return new StreamableFile(bytes, { type, disposition: 'inline', length: bytes.length });
  }
}
