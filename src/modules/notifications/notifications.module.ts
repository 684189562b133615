import { BullModule } from '@nestjs/bull';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QUEUES } from '../../common/queue/queues.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuditModule } from '../audit/index.js';
import { DevMailboxController } from './dev-mailbox.controller.js';
import { DevMailboxService } from './dev-mailbox.service.js';
import { Notification } from './entities/notification.entity.js';
import { createMailTransport, MAIL_TRANSPORT, type MailTransport } from './mail-transport.js';
import { NotificationRendererService } from './notification-renderer.service.js';
import { NotificationSealer } from './notification-sealer.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsProcessor } from './notifications.processor.js';
import { NotificationsRelay } from './notifications.relay.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';
import { QueuesDashboardController } from './queues-dashboard.controller.js';

/**
 * Email: the outbox (NotificationsService.record in the caller's transaction), the relay to Bull,
 * the sender (Handlebars templates, nodemailer over SMTP_URL), the staff view and the Bull dashboard.
 * See docs/notifications.md.
 */
@Module({
  imports: [
    AuditModule,
    TypeOrmModule.forFeature([Notification]),
    BullModule.registerQueueAsync({
      name: QUEUES.notifications,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // A worker that dies mid-send loses its lock after lockMs; another instance then takes the job over.
        settings: {
          lockDuration: config.notifications.lockMs,
          stalledInterval: config.notifications.lockMs,
          maxStalledCount: 3,
        },
      }),
    }),
  ],
  controllers: [NotificationsController, QueuesDashboardController, DevMailboxController],
  providers: [
    NotificationsService,
    NotificationsRepository,
    NotificationRendererService,
    NotificationSealer,
    NotificationsRelay,
    NotificationsProcessor,
    DevMailboxService,
    {
      provide: MAIL_TRANSPORT,
      inject: [APP_CONFIG, DevMailboxService],
      useFactory: (config: AppConfig, devMailbox: DevMailboxService) =>
        createMailTransport(config, devMailbox),
    },
  ],
  exports: [NotificationsService],
})
export class NotificationsModule implements OnApplicationShutdown {
  constructor(@Inject(MAIL_TRANSPORT) private readonly transport: MailTransport) {}

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
