import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyAuth } from '../../common/auth/auth.decorators.js';
import { AccessRequestsService } from './access-requests.service.js';
import { PortalCareTeamService } from './care-team.service.js';
import {
  AccessRequestDecisionResultDto,
  CareTeamResultDto,
  PortalAccessRequestFeedPageDto,
  PortalAccessRequestPageDto,
  PortalViewerListDto,
} from './dto/access-request-responses.dto.js';
import {
  AccessRequestDecisionDto,
  AccessRequestFeedQueryDto,
  AccessRequestListQueryDto,
  CareTeamDto,
} from './dto/access-request.dto.js';
import { PortalGrantsService } from './portal-grants.service.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';

/** The patient portal (MyChildren's): sees and decides access requests, manages the care team. */
@ApiTags('integration')
@Controller('integration/portal')
@ApiKeyAuth('portal')
export class PortalAccessController {
  constructor(
    private readonly requests: AccessRequestsService,
    private readonly careTeam: PortalCareTeamService,
    private readonly portalGrants: PortalGrantsService,
  ) {}

  @Get('access-requests')
  @ApiOkResponse({
    type: PortalAccessRequestFeedPageDto,
    description:
      'Requests across patients (with `mrn`), oldest status change first; `since` exclusive on the last status change',
  })
  async feed(@Query() q: AccessRequestFeedQueryDto) {
    return this.requests.feedForPortal(q);
  }

  @Get('patients/:mrn/viewers')
  @ApiOkResponse({ type: PortalViewerListDto, description: 'Who may see the record and why (no emails)' })
  @ApiNotFoundResponse({ description: 'No patient with this MRN.' })
  async viewers(@Param('mrn') mrn: string) {
    return this.portalGrants.viewers(mrn);
  }

  @Delete('patients/:mrn/access-grants/:grantId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked; the holder is emailed (no patient data).' })
  @ApiNotFoundResponse({
    description: "Unknown MRN, or no active personal grant with this id of this patient's.",
  })
  async revokeGrant(@Param('mrn') mrn: string, @Param('grantId', UuidParam) grantId: string): Promise<void> {
    await this.portalGrants.revoke(mrn, grantId);
  }

  @Get('patients/:mrn/access-requests')
  @ApiOkResponse({
    type: PortalAccessRequestPageDto,
    description: "The patient's access requests, newest first.",
  })
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

  @Post('patients/:mrn/access-requests/:id/decision')
  @HttpCode(200)
  @ApiOkResponse({ type: AccessRequestDecisionResultDto })
  @ApiNotFoundResponse({ description: "Unknown MRN, or the request is not this patient's." })
  @ApiConflictResponse({ description: '`request_not_pending` (already decided, withdrawn or expired)' })
  async decideForPatient(
    @Param('mrn') mrn: string,
    @Param('id', UuidParam) id: string,
    @Body() body: AccessRequestDecisionDto,
  ) {
    return this.requests.decideForPatient(mrn, id, body.decision, body.decidedBy);
  }

  @Put('patients/:mrn/care-team')
  @HttpCode(200)
  @ApiOkResponse({ type: CareTeamResultDto, description: 'The care team now.' })
  @ApiNotFoundResponse({ description: 'No patient with this MRN.' })
  async replaceCareTeam(@Param('mrn') mrn: string, @Body() body: CareTeamDto) {
    return this.careTeam.replace(mrn, body.npis);
  }
}
