import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../../common/auth/auth.decorators.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { EhrPcpChangeAckDto, EhrPcpChangePageDto } from './dto/ehr-pcp-changes.dto.js';
import { EhrPcpChangesService } from './ehr-pcp-changes.service.js';

@ApiTags('integration')
@Controller('integration/ehr/pcp-changes')
@ApiKeyAuth('ehr')
export class EhrPcpChangesController {
  constructor(private readonly changes: EhrPcpChangesService) {}

  @Get()
  @ApiOkResponse({
    type: EhrPcpChangePageDto,
    description: 'Unacknowledged PCP changes made by the MyPatients team, the latest per MRN, oldest first.',
  })
  list(@Query() query: PageQueryDto) {
    return this.changes.listPending(query);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @ApiOkResponse({
    type: EhrPcpChangeAckDto,
    description: 'Acknowledged (again 200 when repeated); the EHR is again the source of truth.',
  })
  @ApiNotFoundResponse({ description: 'No such PCP change.' })
  ack(@Param('id') id: string) {
    return this.changes.acknowledge(id);
  }
}
