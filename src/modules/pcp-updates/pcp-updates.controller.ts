import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Kinds, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import {
  CreatePcpAccessRequestDto,
  ListPcpUpdatesQuery,
  RecordConfirmationDto,
  RejectPcpUpdateDto,
} from './dto/pcp-update.dto.js';
import { PcpUpdatesService } from './pcp-updates.service.js';

/** A malformed id names nothing: 404, never a 500. */

@ApiTags('patients')
@Controller('patients/:patientId/pcp-access-requests')
@Kinds('provider', 'sponsored')
export class PcpAccessRequestsController {
  constructor(private readonly pcpUpdates: PcpUpdatesService) {}

  @Post()
  @ApiCreatedResponse({
    description: '`{id, status:"open", dueAt}`: in the MyPatients team\'s queue, due in three business days.',
  })
  @ApiConflictResponse({
    description: '`already_authorized` (the caller may already view the patient), `request_pending`.',
  })
  @ApiNotFoundResponse({ description: 'No such patient.' })
  request(
    @Param('patientId', UuidParam) patientId: string,
    @Body() body: CreatePcpAccessRequestDto,
    @CurrentUser() user: AuthUser,
  ) {
    return this.pcpUpdates.request(user, patientId, body.note);
  }
}

@ApiTags('staff')
@Controller('staff/pcp-updates')
@StaffOnly()
export class StaffPcpUpdatesController {
  constructor(private readonly pcpUpdates: PcpUpdatesService) {}

  @Get()
  @ApiOkResponse({
    description:
      '`{items, nextCursor}`: late first, then by due date; each with `dueAt`, `overdue`, age, assignee.',
  })
  list(@Query() query: ListPcpUpdatesQuery, @CurrentUser() user: AuthUser) {
    return this.pcpUpdates.list(user, query);
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The request with its confirmation and `history` (every transition).' })
  detail(@Param('id', UuidParam) id: string) {
    return this.pcpUpdates.detail(id);
  }

  @Post(':id/claim')
  @HttpCode(200)
  @ApiOkResponse({ description: '`{status:"in_progress", assigneeId}`' })
  @ApiConflictResponse({ description: '`already_claimed` (someone else has it), `invalid_transition`.' })
  claim(@Param('id', UuidParam) id: string, @CurrentUser() user: AuthUser) {
    return this.pcpUpdates.claim(user, id);
  }

  @Post(':id/release')
  @HttpCode(200)
  @ApiOkResponse({
    description: '`{status:"open", assigneeId:null}`: back in the queue for anyone to claim.',
  })
  release(@Param('id', UuidParam) id: string, @CurrentUser() user: AuthUser) {
    return this.pcpUpdates.release(user, id);
  }

  @Post(':id/confirmation')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The request with the recorded confirmation.' })
  @ApiConflictResponse({ description: '`not_claimed`, `not_assignee`, `invalid_transition`.' })
  confirmation(
    @Param('id', UuidParam) id: string,
    @Body() body: RecordConfirmationDto,
    @CurrentUser() user: AuthUser,
  ) {
    return this.pcpUpdates.recordConfirmation(user, id, body);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOkResponse({
    description:
      "`{status:\"completed\", pcpNpi}`: the patient's PCP is now the requester's (or their sponsor's) NPI.",
  })
  @ApiConflictResponse({
    description:
      '`confirmation_required`, `not_claimed`, `not_assignee`, `invalid_transition`, `requester_inactive`.',
  })
  complete(@Param('id', UuidParam) id: string, @CurrentUser() user: AuthUser) {
    return this.pcpUpdates.complete(user, id);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOkResponse({ description: '`{status:"rejected"}`' })
  @ApiConflictResponse({ description: '`not_assignee`, `invalid_transition`.' })
  reject(
    @Param('id', UuidParam) id: string,
    @Body() body: RejectPcpUpdateDto,
    @CurrentUser() user: AuthUser,
  ) {
    return this.pcpUpdates.reject(user, id, body.reason);
  }
}
