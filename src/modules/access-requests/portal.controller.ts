import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth } from '../../common/auth/auth.decorators.js';
import { AccessRequestsService } from './access-requests.service.js';
import { PortalCareTeamService } from './care-team.service.js';
import { AccessRequestDecisionResultDto, CareTeamResultDto, PortalAccessRequestPageDto } from './dto/access-request-responses.dto.js';
import { AccessRequestDecisionDto, AccessRequestListQueryDto, CareTeamDto } from './dto/access-request.dto.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';

/** The patient portal (MyChildren's): sees and decides access requests, manages the care team. */
@ApiTags('integration')
@Controller('integration/portal')
@ApiKeyAuth('portal')
export class PortalAccessController {
  constructor(
    private readonly requests: AccessRequestsService,
    private readonly careTeam: PortalCareTeamService,
  ) {}

  @Get('patients/:mrn/access-requests')
  @ApiOkResponse({ type: PortalAccessRequestPageDto, description: "The patient's access requests, newest first." })
  @ApiNotFoundResponse({ description: 'No patient with this MRN.' })
  async list(@Param('mrn') mrn: string, @Query() q: AccessRequestListQueryDto) {
    return this.requests.listForPortal(mrn, q);
  }

  @Post('access-requests/:id/decision')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessRequestDecisionResultDto })
  @ApiConflictResponse({ description: '`request_not_pending` (already decided or expired)' })
  async decide(@Param('id', UuidParam) id: string, @Body() body: AccessRequestDecisionDto) {
    return this.requests.decide(id, body.decision, body.decidedBy);
  }

  @Put('patients/:mrn/care-team')
  @HttpCode(200)
  @ApiOkResponse({ type: CareTeamResultDto, description: 'The care team now.' })
  @ApiNotFoundResponse({ description: 'No patient with this MRN.' })
  async replaceCareTeam(@Param('mrn') mrn: string, @Body() body: CareTeamDto) {
    return this.careTeam.replace(mrn, body.npis);
  }
}
