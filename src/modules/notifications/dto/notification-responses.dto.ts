import { ApiProperty } from '@nestjs/swagger';
import { NOTIFICATION_STATUSES, type NotificationStatus } from '../entities/notification.entity.js';

/** A notification as staff see it: never its data (it may carry an action token). */
export class NotificationSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'registration-approved' }) template: string;
  @ApiProperty({ format: 'email' }) recipient: string;
  @ApiProperty({ enum: NOTIFICATION_STATUSES }) status: NotificationStatus;
  @ApiProperty({ description: 'Delivery attempts so far' }) attempts: number;
  @ApiProperty({ type: String, nullable: true, description: 'Error of the last failed attempt' }) lastError:
    string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) queuedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) failedAt: Date | null;
}

export class NotificationCountsDto {
  @ApiProperty() pending: number;
  @ApiProperty() queued: number;
  @ApiProperty() sent: number;
  @ApiProperty() failed: number;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationSummaryDto], description: 'Newest first' })
  items: NotificationSummaryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
  @ApiProperty({
    type: NotificationCountsDto,
    description: 'All notifications by status (not only this page)',
  })
  counts: NotificationCountsDto;
}
