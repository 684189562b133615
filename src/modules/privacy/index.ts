/** What other modules may use of privacy (import only from here). */
export { PrivacyModule } from './privacy.module.js';
export { AlertsService, type AlertView } from './alerts.service.js';
export { ALERT_KINDS, ALERT_STATUSES, type AlertKind, type AlertStatus } from './entities/alert.entity.js';
