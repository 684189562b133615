import { ApiProperty } from '@nestjs/swagger';
import { SCHEDULED_JOB_NAMES, type ScheduledJobName } from '../../../common/queue/queues.js';

export class JobRunResultDto {
  @ApiProperty({ enum: SCHEDULED_JOB_NAMES }) job: ScheduledJobName;
  @ApiProperty({ format: 'date', example: '2026-10-01', description: 'Hospital date the job ran for' })
  asOf: string;
  @ApiProperty({ description: 'Rows the job affected (0 when a run for this date already did the work)' })
  affected: number;
}

export class JobStatusDto {
  @ApiProperty({ enum: SCHEDULED_JOB_NAMES }) name: ScheduledJobName;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it last ran (null: never)',
  })
  lastRunAt: Date | null;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'Hospital date of that run' })
  lastAsOf: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Rows it affected (null when it failed or never ran)',
  })
  lastAffected: number | null;
  @ApiProperty({ type: String, enum: ['succeeded', 'failed'], nullable: true }) lastStatus:
    'succeeded' | 'failed' | null;
}

export class JobStatusPageDto {
  @ApiProperty({ type: [JobStatusDto] }) items: JobStatusDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
