import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import {
  CompletePracticeChangeDto,
  ListPracticeChangeRequestsDto,
  PracticeChangeOutcomeDto,
  PracticeChangeRequestItemDto,
  PracticeChangeRequestPageDto,
  RejectPracticeChangeDto,
} from './dto/practice-change-requests.dto.js';
import {
  CreatePracticeDto,
  PracticeCreatedDto,
  StaffPracticeDetailDto,
  StaffPracticeDto,
  UpdatePracticeDto,
} from './dto/staff-practices.dto.js';
import { PracticeChangeRequestsService } from './practice-change-requests.service.js';
import { StaffPracticesService } from './staff-practices.service.js';

/** Practices and practice-change requests as the team runs them (role `team`). */
@ApiTags('staff')
@StaffOnly()
@Controller('staff')
export class StaffPracticesController {
  constructor(
    private readonly practices: StaffPracticesService,
    private readonly changes: PracticeChangeRequestsService,
  ) {}

  @Post('practices')
  @ApiCreatedResponse({ type: PracticeCreatedDto })
  create(@CurrentUser() staff: AuthUser, @Body() dto: CreatePracticeDto): Promise<PracticeCreatedDto> {
    return this.practices.create(staff, dto);
  }

  @Get('practices/:practiceId')
  @ApiOkResponse({ type: StaffPracticeDetailDto })
  detail(@Param('practiceId', UuidParam) practiceId: string): Promise<StaffPracticeDetailDto> {
    return this.practices.detail(practiceId);
  }

  @Patch('practices/:practiceId')
  @ApiOkResponse({ type: StaffPracticeDto })
  update(
    @CurrentUser() staff: AuthUser,
    @Param('practiceId', UuidParam) practiceId: string,
    @Body() dto: UpdatePracticeDto,
  ): Promise<StaffPracticeDto> {
    return this.practices.update(staff, practiceId, dto);
  }

  @Delete('practices/:practiceId/roster/:npi')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Taken off the roster' })
  removeFromRoster(
    @CurrentUser() staff: AuthUser,
    @Param('practiceId', UuidParam) practiceId: string,
    @Param('npi') npi: string,
  ): Promise<void> {
    return this.practices.removeFromRoster(staff, practiceId, npi);
  }

  @Get('practice-change-requests')
  @ApiOkResponse({ type: PracticeChangeRequestPageDto })
  changeRequests(@Query() query: ListPracticeChangeRequestsDto): Promise<PracticeChangeRequestPageDto> {
    return this.changes.list(query);
  }

  @Get('practice-change-requests/:id')
  @ApiOkResponse({ type: PracticeChangeRequestItemDto })
  changeRequest(@Param('id', UuidParam) id: string): Promise<PracticeChangeRequestItemDto> {
    return this.changes.detail(id);
  }

  @Post('practice-change-requests/:id/complete')
  @HttpCode(200)
  @ApiOkResponse({ type: PracticeChangeOutcomeDto })
  complete(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidParam) id: string,
    @Body() dto: CompletePracticeChangeDto,
  ): Promise<PracticeChangeOutcomeDto> {
    return this.changes.complete(staff, id, dto.practiceId);
  }

  @Post('practice-change-requests/:id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: PracticeChangeOutcomeDto })
  reject(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidParam) id: string,
    @Body() dto: RejectPracticeChangeDto,
  ): Promise<PracticeChangeOutcomeDto> {
    return this.changes.reject(staff, id, dto.reason);
  }
}
