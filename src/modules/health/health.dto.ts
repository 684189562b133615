import { ApiProperty } from '@nestjs/swagger';

export const CHECK_STATES = ['up', 'down'] as const;
export type CheckState = (typeof CHECK_STATES)[number];

export class HealthChecksDto {
  @ApiProperty({ enum: CHECK_STATES }) database: CheckState;
  @ApiProperty({ enum: CHECK_STATES }) redis: CheckState;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'error'] }) status: 'ok' | 'error';
  @ApiProperty({ type: HealthChecksDto }) checks: HealthChecksDto;
}
