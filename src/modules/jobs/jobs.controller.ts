import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { SCHEDULED_JOB_NAMES } from '../../common/queue/queues.js';
import { JobRunResultDto, JobStatusPageDto } from './dto/job-run.dto.js';
import { RunJobDto } from './dto/run-job.dto.js';
import { JobsService } from './jobs.service.js';

@ApiTags('staff')
@Controller('staff/jobs')
@StaffOnly()
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @ApiOkResponse({ type: JobStatusPageDto, description: 'Every scheduled job with its last run' })
  async list(): Promise<JobStatusPageDto> {
    return { items: await this.jobs.lastRuns(), nextCursor: null };
  }

  @Post(':name/run')
  @HttpCode(200)
  @ApiOkResponse({
    type: JobRunResultDto,
    description: `Runs the job now (waits for a run in progress). Jobs: ${SCHEDULED_JOB_NAMES.join(', ')}`,
  })
  run(@Param('name') name: string, @Body() body: RunJobDto, @CurrentUser() user: AuthUser) {
    return this.jobs.runForStaff(user, name, body.asOf);
  }
}
