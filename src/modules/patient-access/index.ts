/** What other modules may use of patient-access (import only from here). */
export { PatientAccessModule } from './patient-access.module.js';
export { AccessDecisionService, type AccessDecision } from './access-decision.service.js';
export { ACCESS_BASES, type AccessBasis } from './access-decision.repository.js';
export {
  AccessGrantsService,
  type GrantHolder,
  type GrantInput,
  type GrantView,
  type PatientViewer,
  type RevokedGrant,
} from './access-grants.service.js';
export { grantPeriod, type GrantPeriod } from './grant-expiry.js';
export { PatientsService, type PatientCard, type PatientRef } from './patients.service.js';
export { PracticeRosterService } from './practice-roster.service.js';
export {
  EhrPcpChangesService,
  type EhrPcpChangeDto,
  type EhrPcpChangeStatus,
} from './ehr-pcp-changes.service.js';
export {
  PendingRequestsRegistry,
  type PendingRequest,
  type PendingRequestKind,
  type PendingRequestSource,
} from './pending-requests.registry.js';
export {
  SearchMonitor,
  SEARCHES_PER_ACCOUNT,
  type SearchObserved,
  type SearchObserver,
} from './search-monitor.port.js';
export { GRANT_BASES, type GrantBasis } from './entities/access-grant.entity.js';
export { DOCUMENT_CATEGORIES, type DocumentCategory } from './entities/clinical-document.entity.js';
/** Entity classes, for other modules' foreign-key relations only. */
export { Patient } from './entities/patient.entity.js';
export { foldName } from './name-folding.js';
