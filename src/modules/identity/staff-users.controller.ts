import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import { AccountRecoveryService } from './account-recovery.service.js';
import { ListDto } from './dto/auth.dto.js';
import {
  AccountStatusDto,
  CreateStaffAccountDto,
  DeactivateUserDto,
  LinkResentDto,
  ListStaffUsersDto,
  MfaResetDto,
  MovePracticeDto,
  PracticeMovedDto,
  StaffAccountCreatedDto,
  StaffAccountPageDto,
  StaffReasonDto,
  StaffRolesChangedDto,
  StaffRolesDto,
  StaffUserDetailDto,
  StaffUserPageDto,
} from './dto/staff-users.dto.js';
import { PracticeMoveService } from './practice-move.service.js';
import { StaffAccountActionsService } from './staff-account-actions.service.js';
import { StaffAccountsService } from './staff-accounts.service.js';
import { StaffDirectoryService } from './staff-directory.service.js';

/** The team's user directory and account life cycle (role `team`; staff accounts need `admin`). */
@ApiTags('staff')
@StaffOnly()
@Controller('staff')
export class StaffUsersController {
  constructor(
    private readonly directory: StaffDirectoryService,
    private readonly staffAccounts: StaffAccountsService,
    private readonly actions: StaffAccountActionsService,
    private readonly recovery: AccountRecoveryService,
    private readonly practices: PracticeMoveService,
  ) {}

  @Get('users')
  @ApiOkResponse({ type: StaffUserPageDto })
  users(@Query() query: ListStaffUsersDto): Promise<StaffUserPageDto> {
    return this.directory.list(query);
  }

  @Get('users/:userId')
  @ApiOkResponse({ type: StaffUserDetailDto })
  user(@Param('userId', UuidParam) userId: string): Promise<StaffUserDetailDto> {
    return this.directory.detail(userId);
  }

  @Post('users/:userId/lock')
  @HttpCode(200)
  @ApiOkResponse({ type: AccountStatusDto })
  lock(
    @CurrentUser() staff: AuthUser,
    @Param('userId', UuidParam) userId: string,
    @Body() dto: StaffReasonDto,
  ): Promise<AccountStatusDto> {
    return this.actions.lock(staff, userId, dto.reason);
  }

  @Post('users/:userId/deactivate')
  @HttpCode(200)
  @ApiOkResponse({ type: AccountStatusDto })
  deactivate(
    @CurrentUser() staff: AuthUser,
    @Param('userId', UuidParam) userId: string,
    @Body() dto: DeactivateUserDto,
  ): Promise<AccountStatusDto> {
    return this.actions.deactivate(staff, userId, dto);
  }

  @Post('users/:userId/reactivate')
  @HttpCode(200)
  @ApiOkResponse({ type: AccountStatusDto })
  reactivate(
    @CurrentUser() staff: AuthUser,
    @Param('userId', UuidParam) userId: string,
  ): Promise<AccountStatusDto> {
    return this.actions.reactivate(staff, userId);
  }

  @Post('users/:userId/reset-mfa')
  @HttpCode(200)
  @ApiOkResponse({ type: MfaResetDto })
  resetMfa(@CurrentUser() staff: AuthUser, @Param('userId', UuidParam) userId: string): Promise<MfaResetDto> {
    return this.recovery.resetMfa(staff, userId);
  }

  @Post('users/:userId/resend-link')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: LinkResentDto })
  resendLink(
    @CurrentUser() staff: AuthUser,
    @Param('userId', UuidParam) userId: string,
  ): Promise<LinkResentDto> {
    return this.recovery.resendLink(staff, userId);
  }

  @Put('users/:userId/practice')
  @ApiOkResponse({ type: PracticeMovedDto })
  movePractice(
    @CurrentUser() staff: AuthUser,
    @Param('userId', UuidParam) userId: string,
    @Body() dto: MovePracticeDto,
  ): Promise<PracticeMovedDto> {
    return this.practices.moveByStaff(staff, userId, dto.practiceId);
  }

  @Roles('admin')
  @Get('staff-accounts')
  @ApiOkResponse({ type: StaffAccountPageDto })
  staffAccountList(@Query() query: ListDto): Promise<StaffAccountPageDto> {
    return this.directory.staffAccounts(query);
  }

  @Roles('admin')
  @Post('staff-accounts')
  @ApiCreatedResponse({ type: StaffAccountCreatedDto })
  createStaffAccount(
    @CurrentUser() admin: AuthUser,
    @Body() dto: CreateStaffAccountDto,
  ): Promise<StaffAccountCreatedDto> {
    return this.staffAccounts.create(admin, dto);
  }

  @Roles('admin')
  @Put('staff-accounts/:userId/roles')
  @ApiOkResponse({ type: StaffRolesChangedDto })
  setRoles(
    @CurrentUser() admin: AuthUser,
    @Param('userId', UuidParam) userId: string,
    @Body() dto: StaffRolesDto,
  ): Promise<StaffRolesChangedDto> {
    return this.staffAccounts.setRoles(admin, userId, dto.roles);
  }
}
