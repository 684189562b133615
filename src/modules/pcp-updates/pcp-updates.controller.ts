import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Kinds, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import {
  CompletePcpUpdateDto,
  CreatePcpAccessRequestDto,
  ListOwnPcpRequestsQuery,
  ListPcpUpdatesQuery,
  RecordConfirmationDto,
  RejectPcpUpdateDto,
} from './dto/pcp-update.dto.js';
import {
  OwnPcpRequestPageDto,
  PcpAccessRequestCreatedDto,
  PcpUpdateCompletedDto,
  PcpUpdateDetailDto,
  PcpUpdatePageDto,
  PcpUpdateTransitionDto,
} from './dto/pcp-update-responses.dto.js';
import { PcpAccessRequestsService } from './pcp-access-requests.service.js';
import { PcpUpdateCommandsService } from './pcp-update-commands.service.js';
import { PcpUpdateQueueService } from './pcp-update-queue.service.js';

@ApiTags('patients')
@Controller('patients/:patientId/pcp-access-requests')
@Kinds('provider', 'sponsored')
export class PcpAccessRequestsController {
  constructor(private readonly commands: PcpUpdateCommandsService) {}

  @Post()
  @ApiCreatedResponse({
    type: PcpAccessRequestCreatedDto,
    description: "In the MyPatients team's queue, due in three business days.",
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
    return this.commands.request(user, patientId, body.note);
  }
}

@ApiTags('patients')
@Controller('pcp-access-requests')
@Kinds('provider', 'sponsored')
export class OwnPcpAccessRequestsController {
  constructor(private readonly requests: PcpAccessRequestsService) {}

  @Get()
  @ApiOkResponse({
    type: OwnPcpRequestPageDto,
    description: "The caller's PCP access requests, newest first, with `outcome` once decided.",
  })
  list(@Query() query: ListOwnPcpRequestsQuery, @CurrentUser() user: AuthUser) {
    return this.requests.list(user, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: "Withdrawn (status `withdrawn`): out of the team's queue." })
  @ApiNotFoundResponse({ description: "Not one of the caller's requests." })
  @ApiConflictResponse({ description: '`request_not_pending` (completed, rejected or withdrawn already).' })
  async withdraw(@Param('id', UuidParam) id: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.requests.withdraw(user, id);
  }
}

@ApiTags('staff')
@Controller('staff/pcp-updates')
@StaffOnly()
export class StaffPcpUpdatesController {
  constructor(
    private readonly commands: PcpUpdateCommandsService,
    private readonly queue: PcpUpdateQueueService,
  ) {}

  @Get()
  @ApiOkResponse({
    type: PcpUpdatePageDto,
    description: 'Late first, then by due date; each with `dueAt`, `overdue`, age, assignee.',
  })
  list(@Query() query: ListPcpUpdatesQuery, @CurrentUser() user: AuthUser) {
    return this.queue.list(user, query);
  }

  @Get(':id')
  @ApiOkResponse({
    type: PcpUpdateDetailDto,
    description: 'The request with its confirmation and `history` (every transition).',
  })
  @ApiNotFoundResponse({ description: 'No such PCP-update request.' })
  detail(@Param('id', UuidParam) id: string, @CurrentUser() user: AuthUser) {
    return this.queue.show(user, id);
  }

  @Post(':id/claim')
  @HttpCode(200)
  @ApiOkResponse({
    type: PcpUpdateTransitionDto,
    description: '`status: "in_progress"`, assigned to the caller.',
  })
  @ApiConflictResponse({ description: '`already_claimed` (someone else has it), `invalid_transition`.' })
  claim(@Param('id', UuidParam) id: string, @CurrentUser() user: AuthUser) {
    return this.commands.claim(user, id);
  }

  @Post(':id/release')
  @HttpCode(200)
  @ApiOkResponse({
    type: PcpUpdateTransitionDto,
    description: '`status: "open"`, `assigneeId: null`: back in the queue for anyone to claim.',
  })
  @ApiConflictResponse({ description: '`invalid_transition`.' })
  release(@Param('id', UuidParam) id: string, @CurrentUser() user: AuthUser) {
    return this.commands.release(user, id);
  }

  @Post(':id/confirmation')
  @HttpCode(200)
  @ApiOkResponse({ type: PcpUpdateDetailDto, description: 'The request with the recorded confirmation.' })
  @ApiConflictResponse({ description: '`not_claimed`, `not_assignee`, `invalid_transition`.' })
  confirmation(
    @Param('id', UuidParam) id: string,
    @Body() body: RecordConfirmationDto,
    @CurrentUser() user: AuthUser,
  ) {
    return this.commands.recordConfirmation(user, id, body);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOkResponse({
    type: PcpUpdateCompletedDto,
    description:
      "`status: \"completed\"`: the patient's PCP is now `pcpNpi` (default the requester's, or their sponsor's, NPI); the EHR is sent the change.",
  })
  @ApiBadRequestResponse({
    description: '`validation_failed` (malformed `pcpNpi`), `not_a_practice_physician`.',
  })
  @ApiConflictResponse({
    description:
      '`confirmation_required`, `not_claimed`, `not_assignee`, `invalid_transition`, `requester_inactive`, `requester_has_no_npi`.',
  })
  complete(
    @Param('id', UuidParam) id: string,
    @Body() body: CompletePcpUpdateDto,
    @CurrentUser() user: AuthUser,
  ) {
    return this.commands.complete(user, id, body.pcpNpi);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOkResponse({
    type: PcpUpdateTransitionDto,
    description: '`status: "rejected"`; the reason stays with the request (not emailed).',
  })
  @ApiConflictResponse({ description: '`not_assignee`, `invalid_transition`.' })
  reject(
    @Param('id', UuidParam) id: string,
    @Body() body: RejectPcpUpdateDto,
    @CurrentUser() user: AuthUser,
  ) {
    return this.commands.reject(user, id, body.reason);
  }
}
