import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ApiKeyAuth, ClientIp, CurrentUser, Kinds, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { InvitationIssuedDto, TokenValidatedDto } from './dto/invitation-responses.dto.js';
import { PortalInvitationDto, StaffInvitationDto, ValidateTokenDto } from './dto/invitation.dto.js';
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
  @ApiTooManyRequestsResponse({ description: '`rate_limited` with Retry-After after repeated failures (per account and per address).' })
  async validate(@Body() body: ValidateTokenDto, @CurrentUser() user: AuthUser, @ClientIp() ip: string) {
    return this.invitations.validate(user, ip, body.token, body.mrn);
  }
}

@ApiTags('staff')
@Controller('staff/invitations')
@StaffOnly()
export class StaffInvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

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
  constructor(private readonly invitations: InvitationsService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: InvitationIssuedDto, description: ISSUED })
  @ApiNotFoundResponse({ description: 'No patient with this MRN.' })
  invite(@Param('mrn') mrn: string, @Body() body: PortalInvitationDto) {
    return this.invitations.issue(mrn, body.recipientEmail, { kind: 'portal' });
  }
}
