import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AllowLockedSponsor, ClientIp, CurrentUser } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import { AccountSecurityService } from './account-security.service.js';
import { ChangePasswordDto, MySessionPageDto } from './dto/me-security.dto.js';

/** The caller's password and sessions; a sponsor locked for an overdue validation may use them too. */
@ApiTags('account')
@ApiBearerAuth()
@AllowLockedSponsor()
@Controller('me')
export class MeSecurityController {
  constructor(private readonly security: AccountSecurityService) {}

  @Post('password')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Changed; every other session ended; the owner is emailed' })
  changePassword(
    @CurrentUser() user: AuthUser,
    @Body() dto: ChangePasswordDto,
    @ClientIp() ip: string,
  ): Promise<void> {
    return this.security.changePassword(user, dto.currentPassword, dto.newPassword, ip);
  }

  @Get('sessions')
  @ApiOkResponse({ type: MySessionPageDto })
  sessions(@CurrentUser() user: AuthUser): Promise<MySessionPageDto> {
    return this.security.listSessions(user);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Ended (the current session too: as logout)' })
  endSession(@CurrentUser() user: AuthUser, @Param('id', UuidParam) id: string): Promise<void> {
    return this.security.endSession(user, id);
  }

  @Delete('sessions')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Every session but the current one ended' })
  endOtherSessions(@CurrentUser() user: AuthUser): Promise<void> {
    return this.security.endOtherSessions(user);
  }
}
