/** What other modules may use of access requests (import only from here). */
export { AccessRequestsModule } from './access-requests.module.js';
export {
  AccessRequestsService,
  type MyAccessRequest,
  type PortalAccessRequest,
} from './access-requests.service.js';
export {
  ACCESS_REQUEST_STATUSES,
  ACCESS_REQUEST_TTL_DAYS,
  type AccessRequestStatus,
} from './entities/access-request.entity.js';
