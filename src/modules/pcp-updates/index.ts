/** What other modules may use of pcp-updates (import only from here). */
export { PcpUpdatesModule } from './pcp-updates.module.js';
export { PcpAccessRequestsService } from './pcp-access-requests.service.js';
export {
  PcpUpdateCommandsService,
  PCP_UPDATE_BUSINESS_DAYS,
  type TransitionResult,
} from './pcp-update-commands.service.js';
export { PcpUpdateQueueService, type PcpUpdateListQuery } from './pcp-update-queue.service.js';
export { PcpUpdateOverdueService } from './pcp-update-overdue.service.js';
export {
  PCP_UPDATE_ACTIONS,
  transition,
  type PcpUpdateAction,
  type PcpUpdateTransition,
} from './pcp-update.transitions.js';
export {
  ACTIVE_PCP_UPDATE_STATUSES,
  CONFIRMATION_METHODS,
  CONFIRMATION_RELATIONSHIPS,
  PCP_UPDATE_STATUSES,
  PcpUpdateRequest,
  type ConfirmationMethod,
  type ConfirmationRelationship,
  type PcpUpdateStatus,
} from './entities/pcp-update-request.entity.js';
export {
  PCP_UPDATE_EVENT_TYPES,
  PcpUpdateEvent,
  type PcpUpdateEventType,
} from './entities/pcp-update-event.entity.js';
export type {
  OwnPcpRequestDto,
  PcpUpdateDetailDto,
  PcpUpdateItemDto,
  PcpUpdatePageDto,
} from './dto/pcp-update-responses.dto.js';
