import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ClientIp, Public } from '../../common/auth/auth.decorators.js';
import { PracticeSearchDto } from './dto/auth.dto.js';
import { PracticeSearchPageDto } from './dto/practices.dto.js';
import { PracticesService } from './practices.service.js';

@ApiTags('account')
@Controller('practices')
export class PracticesController {
  constructor(private readonly practices: PracticesService) {}

  /** Public, for the registration form: practices whose name contains `q` (at least 2 characters). */
  @Public()
  @Get()
  @ApiOkResponse({ type: PracticeSearchPageDto })
  search(@Query() query: PracticeSearchDto, @ClientIp() ip: string): Promise<PracticeSearchPageDto> {
    return this.practices.search(query.q, query.limit, ip);
  }
}
