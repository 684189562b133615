import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CurrentUser, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import { GrantViewPageDto } from './dto/access-request-responses.dto.js';
import { StaffGrantsService } from './staff-grants.service.js';

export class GrantListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only grants not revoked' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'active must be true or false' })
  active?: string;
}

/** Addition to API.md: staff see and revoke personal grants (approved requests, tokens). */
@ApiTags('staff')
@Controller('staff')
@StaffOnly()
export class StaffGrantsController {
  constructor(private readonly grants: StaffGrantsService) {}

  @Get('patients/:patientId/access-grants')
  @ApiOkResponse({ type: GrantViewPageDto, description: "The patient's personal grants, newest first." })
  @ApiNotFoundResponse()
  async list(
    @Param('patientId', UuidParam) patientId: string,
    @Query() q: GrantListQueryDto,
    @CurrentUser() user: AuthUser,
  ) {
    return this.grants.list(user, patientId, q);
  }

  @Delete('access-grants/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked; the user loses this basis of access at once.' })
  @ApiNotFoundResponse({ description: 'No active grant with this id.' })
  async revoke(@Param('id', UuidParam) id: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.grants.revoke(user, id);
  }
}
