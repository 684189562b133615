import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/auth.decorators.js';
import { DevMailboxDto } from './dto/dev-mailbox.dto.js';
import { DevMailboxService } from './dev-mailbox.service.js';

/** Development only (no SMTP_URL): the mail captured in process. 404 problem+json in production, in tests, or with SMTP_URL set. */
@ApiTags('dev')
@Controller('dev/mailbox')
export class DevMailboxController {
  constructor(private readonly mailbox: DevMailboxService) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: DevMailboxDto, description: 'Development without SMTP_URL only; 404 otherwise' })
  list(): DevMailboxDto {
    return this.mailbox.list();
  }
}
