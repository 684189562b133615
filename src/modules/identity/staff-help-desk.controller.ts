import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import {
  ListSupportRequestsDto,
  SupportReplyBodyDto,
  SupportRequestItemDto,
  SupportRequestPageDto,
  SupportStatusDto,
} from './dto/support-requests.dto.js';
import { SupportDeskService } from './support-desk.service.js';

/** The team's help desk (role `team`): `open` → `answered` → `closed`. */
@ApiTags('staff')
@StaffOnly()
@Controller('staff/support-requests')
export class StaffHelpDeskController {
  constructor(private readonly desk: SupportDeskService) {}

  @Get()
  @ApiOkResponse({ type: SupportRequestPageDto })
  list(
    @CurrentUser() staff: AuthUser,
    @Query() query: ListSupportRequestsDto,
  ): Promise<SupportRequestPageDto> {
    return this.desk.list(staff, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: SupportRequestItemDto })
  detail(@CurrentUser() staff: AuthUser, @Param('id', UuidParam) id: string): Promise<SupportRequestItemDto> {
    return this.desk.detail(staff, id);
  }

  @Post(':id/replies')
  @ApiCreatedResponse({
    type: SupportStatusDto,
    description: 'answered (closed with close:true); the requester is emailed the message',
  })
  reply(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidParam) id: string,
    @Body() dto: SupportReplyBodyDto,
  ): Promise<SupportStatusDto> {
    return this.desk.reply(staff, id, dto);
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOkResponse({ type: SupportStatusDto })
  close(@CurrentUser() staff: AuthUser, @Param('id', UuidParam) id: string): Promise<SupportStatusDto> {
    return this.desk.close(staff, id);
  }

  @Get(':id/screenshot')
  @Header('cache-control', 'no-store')
  @ApiProduces('image/png', 'image/jpeg')
  @ApiOkResponse({
    description: 'The screenshot as uploaded; 404 when the request has none',
    content: {
      'image/png': { schema: { type: 'string', format: 'binary' } },
      'image/jpeg': { schema: { type: 'string', format: 'binary' } },
    },
  })
  async screenshot(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidParam) id: string,
  ): Promise<StreamableFile> {
    const { bytes, type } = await this.desk.screenshot(staff, id);
    return new StreamableFile(bytes, { type, disposition: 'inline', length: bytes.length });
  }
}
