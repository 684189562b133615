import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  AllowLockedSponsor,
  ClientIp,
  CurrentUser,
  Kinds,
  OptionalAuth,
} from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { AccountProfileService } from './account-profile.service.js';
import {
  ChangeEmailDto,
  ListDto,
  PracticeChangeRequestDto,
  SupportRequestDto,
  TokenDto,
} from './dto/auth.dto.js';
import { AcceptedDto } from './dto/auth-responses.dto.js';
import { EmailChangedDto, PracticeChangeRequestCreatedDto, UserViewDto } from './dto/me.dto.js';
import { MyPracticeChangeRequestPageDto } from './dto/practice-change-requests.dto.js';
import { MySupportRequestPageDto, SupportRequestCreatedDto } from './dto/support-requests.dto.js';
import { PracticeChangeRequestsService } from './practice-change-requests.service.js';
import { SupportRequestsService } from './support-requests.service.js';

@ApiTags('account')
@ApiBearerAuth()
@Controller()
export class MeController {
  constructor(
    private readonly profile: AccountProfileService,
    private readonly practiceChanges: PracticeChangeRequestsService,
    private readonly support: SupportRequestsService,
  ) {}

  @AllowLockedSponsor()
  @Get('me')
  @ApiOkResponse({ type: UserViewDto })
  me(@CurrentUser() user: AuthUser): Promise<UserViewDto> {
    return this.profile.me(user);
  }

  @Post('me/email')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: AcceptedDto,
    description: 'A confirmation link was emailed to the new address',
  })
  async changeEmail(@CurrentUser() user: AuthUser, @Body() dto: ChangeEmailDto): Promise<AcceptedDto> {
    await this.profile.requestEmailChange(user, dto.newEmail, dto.password);
    return { status: 'accepted' };
  }

  @Post('me/email/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: EmailChangedDto })
  confirmEmail(@CurrentUser() user: AuthUser, @Body() dto: TokenDto): Promise<EmailChangedDto> {
    return this.profile.confirmEmailChange(user, dto.token);
  }

  @Kinds('provider', 'sponsored')
  @Post('me/practice-change-requests')
  @ApiCreatedResponse({ type: PracticeChangeRequestCreatedDto })
  practiceChange(
    @CurrentUser() user: AuthUser,
    @Body() dto: PracticeChangeRequestDto,
  ): Promise<PracticeChangeRequestCreatedDto> {
    return this.practiceChanges.create(user, dto);
  }

  @Kinds('provider', 'sponsored')
  @Get('me/practice-change-requests')
  @ApiOkResponse({ type: MyPracticeChangeRequestPageDto })
  myPracticeChanges(
    @CurrentUser() user: AuthUser,
    @Query() query: ListDto,
  ): Promise<MyPracticeChangeRequestPageDto> {
    return this.practiceChanges.mine(user, query);
  }

  /** Signed in (as v1) or signed out (`email`, `name`): the one route that also serves someone who cannot sign in. */
  @OptionalAuth()
  @AllowLockedSponsor()
  @Post('support-requests')
  @ApiCreatedResponse({ type: SupportRequestCreatedDto })
  supportRequest(
    @CurrentUser() user: AuthUser | undefined,
    @Body() dto: SupportRequestDto,
    @ClientIp() ip: string,
  ): Promise<SupportRequestCreatedDto> {
    return this.support.create(user, dto, ip);
  }

  @AllowLockedSponsor()
  @Get('support-requests')
  @ApiOkResponse({ type: MySupportRequestPageDto })
  mySupportRequests(
    @CurrentUser() user: AuthUser,
    @Query() query: ListDto,
  ): Promise<MySupportRequestPageDto> {
    return this.support.mine(user, query);
  }
}
