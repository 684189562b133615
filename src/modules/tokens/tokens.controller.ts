import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ApiKeyAuth, ClientIp, CurrentUser, Kinds, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import {
  InvitationIssuedDto,
  InvitationViewPageDto,
  TokenValidatedDto,
} from './dto/invitation-responses.dto.js';
import {
  InvitationListQueryDto,
  PortalInvitationDto,
  StaffInvitationDto,
  StaffInvitationListQueryDto,
  ValidateTokenDto,
} from './dto/invitation.dto.js';
import { InvitationAdminService } from './invitation-admin.service.js';
import { InvitationsService } from './invitations.service.js';

const ISSUED = 'The token goes only into the email to recipientEmail.';

@ApiTags('patients')
@Controller('tokens')
export class TokensController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post('validate')
  @HttpCode(200)
  @Kinds('provider', 'sponsored')
  @ApiOkResponse({ type: TokenValidatedDto, description: 'Access granted (basis `token`).' })
  @ApiBadRequestResponse({ description: '`invalid_token` for every wrong, expired or spent token/MRN pair.' })
  @ApiTooManyRequestsResponse({
    description: '`rate_limited` with Retry-After after repeated failures (per account and per address).',
  })
  async validate(@Body() body: ValidateTokenDto, @CurrentUser() user: AuthUser, @ClientIp() ip: string) {
    return this.invitations.validate(user, ip, body.token, body.mrn);
  }
}

@ApiTags('staff')
@Controller('staff/invitations')
@StaffOnly()
export class StaffInvitationsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly admin: InvitationAdminService,
  ) {}

  @Get()
  @ApiOkResponse({
    type: InvitationViewPageDto,
    description: 'Every invitation (portal- and staff-issued), newest first; never the token',
  })
  list(@Query() q: StaffInvitationListQueryDto) {
    return this.admin.listForStaff(q);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Cancelled: the token no longer works.' })
  @ApiNotFoundResponse({ description: 'No such invitation.' })
  @ApiConflictResponse({ description: '`invalid_state`: used, expired or already cancelled' })
  async cancel(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.admin.cancelForStaff(user, id);
  }

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: InvitationIssuedDto, description: ISSUED })
  @ApiNotFoundResponse({ description: 'No patient with this MRN.' })
  invite(@Body() body: StaffInvitationDto, @CurrentUser() user: AuthUser) {
    return this.invitations.issue(body.mrn, body.recipientEmail, { kind: 'staff', user });
  }
}

@ApiTags('integration')
@Controller('integration/portal/patients/:mrn/invitations')
@ApiKeyAuth('portal')
export class PortalInvitationsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly admin: InvitationAdminService,
  ) {}

  @Get()
  @ApiOkResponse({
    type: InvitationViewPageDto,
    description: "The patient's invitations (staff-issued too), newest first",
  })
  @ApiNotFoundResponse({ description: 'No patient with this MRN.' })
  list(@Param('mrn') mrn: string, @Query() q: InvitationListQueryDto) {
    return this.admin.listForPortal(mrn, q);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'Cancelled (sent to the wrong address, no longer wanted): the token no longer works.',
  })
  @ApiNotFoundResponse({ description: "Unknown MRN, or no such invitation of this patient's." })
  @ApiConflictResponse({ description: '`invalid_state`: used, expired or already cancelled' })
  async cancel(@Param('mrn') mrn: string, @Param('id') id: string): Promise<void> {
    await this.admin.cancelForPortal(mrn, id);
  }

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: InvitationIssuedDto, description: ISSUED })
  @ApiNotFoundResponse({ description: 'No patient with this MRN.' })
  invite(@Param('mrn') mrn: string, @Body() body: PortalInvitationDto) {
    return this.invitations.issue(mrn, body.recipientEmail, { kind: 'portal' });
  }
}
