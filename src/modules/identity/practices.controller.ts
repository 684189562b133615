import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ClientIp, Public } from '../../common/auth/auth.decorators.js';
import { AccountService } from './account.service.js';
import { AUTH_LIMITS, AuthThrottle } from './auth-throttle.service.js';
import { PracticeSearchDto } from './dto/auth.dto.js';

@ApiTags('account')
@Controller('practices')
export class PracticesController {
  constructor(
    private readonly accounts: AccountService,
    private readonly throttle: AuthThrottle,
  ) {}

  /** Public, for the registration form: practices whose name contains `q` (at least 2 characters). */
  @Public()
  @Get()
  async search(@Query() query: PracticeSearchDto, @ClientIp() ip: string) {
    await this.throttle.ip(ip, AUTH_LIMITS.practiceSearchIp);
    return this.accounts.searchPractices(query.q, query.limit ?? 20);
  }
}
