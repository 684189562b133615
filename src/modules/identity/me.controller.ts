import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowLockedSponsor, CurrentUser, Kinds } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { AccountService } from './account.service.js';
import { ChangeEmailDto, PracticeChangeRequestDto, SupportRequestDto, TokenDto } from './dto/auth.dto.js';

@ApiTags('account')
@ApiBearerAuth()
@Controller()
export class MeController {
  constructor(private readonly accounts: AccountService) {}

  @AllowLockedSponsor()
  @Get('me')
  me(@CurrentUser() user: AuthUser) {
    return this.accounts.me(user);
  }

  @Post('me/email')
  @HttpCode(202)
  async changeEmail(@CurrentUser() user: AuthUser, @Body() dto: ChangeEmailDto): Promise<void> {
    await this.accounts.requestEmailChange(user, dto.newEmail, dto.password);
  }

  @Post('me/email/confirm')
  @HttpCode(200)
  confirmEmail(@CurrentUser() user: AuthUser, @Body() dto: TokenDto) {
    return this.accounts.confirmEmailChange(user, dto.token);
  }

  @Kinds('provider', 'sponsored')
  @Post('me/practice-change-requests')
  practiceChange(@CurrentUser() user: AuthUser, @Body() dto: PracticeChangeRequestDto) {
    return this.accounts.createPracticeChangeRequest(user, dto);
  }

  @Post('support-requests')
  support(@CurrentUser() user: AuthUser, @Body() dto: SupportRequestDto) {
    return this.accounts.createSupportRequest(user, dto);
  }
}
