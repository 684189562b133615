import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest } from '../../common/errors/problem.js';
import { SCHEDULED_JOB_NAMES } from '../../common/queue/queues.js';
import { Clock } from '../../common/time/clock.js';
import { hospitalDate, isIsoDate } from '../../common/time/hospital-time.js';
import { AuditService } from '../audit/audit.service.js';
import { RunJobDto } from './dto/run-job.dto.js';
import { JobsService } from './jobs.service.js';

const ASOF_MIN = '2000-01-01';
const ASOF_MAX = '2199-12-31';

@ApiTags('staff')
@Controller('staff/jobs')
@StaffOnly()
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  @Post(':name/run')
  @HttpCode(200)
  @ApiOkResponse({ description: `\`{job, asOf, affected}\`. Jobs: ${SCHEDULED_JOB_NAMES.join(', ')}` })
  async run(@Param('name') name: string, @Body() body: RunJobDto, @CurrentUser() user: AuthUser) {
    const asOf = body.asOf ?? hospitalDate(this.clock.now());
    if (!isIsoDate(asOf)) throw badRequest('validation_failed', 'asOf is not a calendar date.', { errors: [{ field: 'asOf', message: 'asOf must be a real calendar date' }] });
    // Job date arithmetic (and PostgreSQL timestamps) need a sane year: 9999-12-31 plus a day broke it (500).
    if (asOf < ASOF_MIN || asOf > ASOF_MAX) {
      throw badRequest('validation_failed', 'asOf is out of range.', { errors: [{ field: 'asOf', message: `asOf must be between ${ASOF_MIN} and ${ASOF_MAX}` }] });
    }
    const result = await this.jobs.run(name, asOf);
    await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'staff.job_run', outcome: 'success', details: { ...result } });
    return result;
  }
}
