import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import { ListNotificationsQuery } from './dto/list-notifications.dto.js';
import { NotificationPageDto, NotificationSummaryDto } from './dto/notification-responses.dto.js';
import { NotificationsService } from './notifications.service.js';

/** Staff view of outgoing email: what is pending, queued, sent or failed, and sending a failed one again. */
@ApiTags('staff')
@Controller('staff/notifications')
@StaffOnly()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOkResponse({ type: NotificationPageDto, description: 'Newest first, with the counts by status' })
  list(@Query() query: ListNotificationsQuery) {
    return this.notifications.list(query);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: NotificationSummaryDto,
    description: 'The failed notification is pending again and will be sent shortly.',
  })
  retry(@Param('id', UuidParam) id: string, @CurrentUser() user: AuthUser) {
    return this.notifications.retryForStaff(user, id);
  }
}
