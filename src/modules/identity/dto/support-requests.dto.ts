import { ApiProperty } from '@nestjs/swagger';

export class SupportRequestCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time', description: 'End of the second business day in hospital time' }) dueAt: string;
}

export class SupportRequestItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ description: 'Login email at the time of the report' }) loginEmail: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty() hasScreenshot: boolean;
  @ApiProperty({ type: String, nullable: true, example: '/api/v1/staff/support-requests/{id}/screenshot' }) screenshotUrl: string | null;
  @ApiProperty({ enum: ['open', 'answered', 'closed'] }) status: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) dueAt: Date;
  @ApiProperty({ description: 'Open and past its due date' }) overdue: boolean;
}

export class SupportRequestPageDto {
  @ApiProperty({ type: [SupportRequestItemDto] }) items: SupportRequestItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
