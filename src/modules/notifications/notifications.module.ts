import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QUEUES } from '../../common/queue/queues.js';
import { Notification } from './entities/notification.entity.js';
import { NotificationsService } from './notifications.service.js';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Notification]), BullModule.registerQueue({ name: QUEUES.notifications })],
  providers: [NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsModule {}
