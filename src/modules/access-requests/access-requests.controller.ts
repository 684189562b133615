import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Kinds } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { AccessRequestsService } from './access-requests.service.js';
import { CreatedAccessRequestDto, MyAccessRequestPageDto } from './dto/access-request-responses.dto.js';
import { AccessRequestListQueryDto, CreateAccessRequestDto } from './dto/access-request.dto.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';

/** Non-PCP access requests, as the requester (a provider or sponsored user) sees them. */
@ApiTags('patients')
@Controller()
@Kinds('provider', 'sponsored')
export class AccessRequestsController {
  constructor(private readonly requests: AccessRequestsService) {}

  @Post('patients/:patientId/access-requests')
  @HttpCode(201)
  @ApiCreatedResponse({
    type: CreatedAccessRequestDto,
    description: 'Sent to the patient portal for the patient or guardian to decide.',
  })
  @ApiConflictResponse({ description: '`no_portal_account`, `already_authorized`, `request_pending`' })
  @ApiNotFoundResponse({ description: 'No such patient.' })
  async create(
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: CreateAccessRequestDto,
    @CurrentUser() user: AuthUser,
  ) {
    return this.requests.create(user, patientId, body.reason);
  }

  @Get('access-requests')
  @ApiOkResponse({ type: MyAccessRequestPageDto, description: "The caller's requests, newest first." })
  async listMine(@Query() q: AccessRequestListQueryDto, @CurrentUser() user: AuthUser) {
    return this.requests.listMine(user.id, q);
  }

  @Delete('access-requests/:id')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'Withdrawn (status `withdrawn`); the portal no longer offers it for a decision.',
  })
  @ApiNotFoundResponse({ description: 'No such request of the caller.' })
  @ApiConflictResponse({ description: '`request_not_pending` (with the current `status`)' })
  async withdraw(@Param('id', UuidParam) id: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.requests.withdraw(user, id);
  }
}
