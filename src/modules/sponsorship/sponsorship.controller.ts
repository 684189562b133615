import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AllowLockedSponsor, CurrentUser } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import {
  CreatedSponsoredUserDto,
  EnrollResponseDto,
  ReplacedEmailDto,
  SponsoredUserPageDto,
} from './dto/sponsorship-responses.dto.js';
import {
  CompleteValidationDto,
  CreateSponsoredUserDto,
  ListSponsoredUsersQuery,
  ReplaceEmailDto,
} from './dto/sponsorship.dto.js';
import { ValidationCompletedDto, ValidationDto, ValidationHistoryPageDto } from './dto/validation.dto.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { ValidationListsService } from './validation-lists.service.js';
import { SponsorshipService } from './sponsorship.service.js';
import { ValidationService } from './validation.service.js';

@ApiTags('sponsorship')
@ApiBearerAuth()
@Controller('sponsorship')
export class SponsorshipController {
  constructor(
    private readonly sponsorship: SponsorshipService,
    private readonly validations: ValidationService,
    private readonly lists: ValidationListsService,
  ) {}

  @Post('enroll')
  @HttpCode(200)
  @ApiOkResponse({
    type: EnrollResponseDto,
    description: '403 `not_eligible` (no NPI, hospital credentials)',
  })
  enroll(@CurrentUser() user: AuthUser): Promise<EnrollResponseDto> {
    return this.sponsorship.enroll(user);
  }

  @Post('sponsored-users')
  @ApiCreatedResponse({
    type: CreatedSponsoredUserDto,
    description: '403 `not_a_sponsor`; 409 `email_taken`',
  })
  create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateSponsoredUserDto,
  ): Promise<CreatedSponsoredUserDto> {
    return this.sponsorship.createSponsoredUser(user, body);
  }

  @Get('sponsored-users')
  @ApiOkResponse({ type: SponsoredUserPageDto })
  list(
    @CurrentUser() user: AuthUser,
    @Query() query: ListSponsoredUsersQuery,
  ): Promise<SponsoredUserPageDto> {
    return this.sponsorship.list(user, query);
  }

  @Delete('sponsored-users/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deactivated; 404 when not one of yours' })
  deactivate(@CurrentUser() user: AuthUser, @Param('id', UuidParam) id: string): Promise<void> {
    return this.sponsorship.deactivate(user, id);
  }

  @Post('sponsored-users/:id/replace-email')
  @ApiCreatedResponse({
    type: ReplacedEmailDto,
    description: 'The id of the new invited account; the old one is deactivated',
  })
  replaceEmail(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidParam) id: string,
    @Body() body: ReplaceEmailDto,
  ): Promise<ReplacedEmailDto> {
    return this.sponsorship.replaceEmail(user, id, body.newEmail);
  }

  @Get('validation')
  @AllowLockedSponsor()
  @ApiOkResponse({ type: ValidationDto, description: '404 when none is open' })
  validation(@CurrentUser() user: AuthUser): Promise<ValidationDto> {
    return this.validations.current(user);
  }

  @Get('validations')
  @AllowLockedSponsor()
  @ApiOkResponse({
    type: ValidationHistoryPageDto,
    description: "The sponsor's validations, newest first; 403 `not_a_sponsor`",
  })
  history(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<ValidationHistoryPageDto> {
    return this.lists.history(user, query);
  }

  @Post('validation/:id/complete')
  @HttpCode(200)
  @AllowLockedSponsor()
  @ApiOkResponse({ type: ValidationCompletedDto, description: '400 `incomplete_decisions`' })
  complete(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidParam) id: string,
    @Body() body: CompleteValidationDto,
  ): Promise<ValidationCompletedDto> {
    return this.validations.complete(user, id, body.decisions);
  }
}
