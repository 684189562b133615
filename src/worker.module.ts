import { Module } from '@nestjs/common';
import { INFRASTRUCTURE_MODULES } from './infrastructure.js';
import { NotificationsModule } from './modules/notifications/index.js';

/**
 * The email sender's process (src/worker.ts): the infrastructure and NotificationsModule only — its
 * outbox relay and Bull sender; no HTTP, no scheduled jobs. The API instances then run with
 * NOTIFICATIONS_SENDER=false. See docs/notifications.md.
 */
@Module({ imports: [...INFRASTRUCTURE_MODULES, NotificationsModule] })
export class WorkerModule {}
