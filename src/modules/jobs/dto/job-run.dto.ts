import { ApiProperty } from '@nestjs/swagger';
import { SCHEDULED_JOB_NAMES, type ScheduledJobName } from '../../../common/queue/queues.js';

export class JobRunResultDto {
  @ApiProperty({ enum: SCHEDULED_JOB_NAMES }) job: ScheduledJobName;
  @ApiProperty({ format: 'date', example: '2026-10-01', description: 'Hospital date the job ran for' })
  asOf: string;
  @ApiProperty({ description: 'Rows the job affected (0 when a run for this date already did the work)' })
  affected: number;
}
