/** What other modules may use of notifications (the outbox). */
export { NotificationsModule } from './notifications.module.js';
export {
  NotificationsService,
  type NotificationItem,
  type NotificationPage,
  type NotificationRequest,
  type NotificationSummary,
} from './notifications.service.js';
export {
  TEMPLATE_NAMES,
  isTemplateName,
  type OverdueDigestItem,
  type TemplateData,
  type TemplateName,
} from './template-registry.js';
export { NOTIFICATION_STATUSES, type NotificationStatus } from './entities/notification.entity.js';
