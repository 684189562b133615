import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentUser, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { ListNotificationsQuery } from './dto/list-notifications.dto.js';
import { NotificationsService } from './notifications.service.js';

/** Staff view of outgoing email: what is pending, queued, sent or failed, and sending a failed one again. */
@ApiTags('staff')
@Controller('staff/notifications')
@StaffOnly()
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOkResponse({
    description: '`{items, nextCursor, counts: {pending, queued, sent, failed}}`, newest first',
  })
  list(@Query() query: ListNotificationsQuery) {
    return this.notifications.list(query);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'The failed notification is pending again and will be sent shortly.' })
  async retry(@Param('id', UuidParam) id: string, @CurrentUser() user: AuthUser) {
    return this.dataSource.transaction(async (manager) => {
      const notification = await this.notifications.retry(manager, id);
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: 'staff.notification_retry',
          outcome: 'success',
          details: { notificationId: id, template: notification.template },
        },
        manager,
      );
      return notification;
    });
  }
}
