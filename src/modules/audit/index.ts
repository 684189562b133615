/** What other modules (and scripts/audit-verify.ts) may use of the audit trail. */
export { AuditModule } from './audit.module.js';
export {
  AuditService,
  type AccessLogItem,
  type AccessLogPage,
  type AuditEntry,
  type AuditOutcome,
} from './audit.service.js';
export { AuditSealer, type SealOptions, type SealResult } from './audit-sealer.service.js';
export {
  AuditSearchService,
  type AccessLogEntry,
  type AuditEventFilter,
  type AuditEventRecord,
  type AuditPerson,
  type Keyset,
  type RecordPage,
} from './audit-search.service.js';
export { AuditPersonDto, AuditPracticeDto } from './dto/audit-person.dto.js';
export { keyRing, type AuditKeyRing, type SignedCheckpoint } from './audit-link.js';
export { readCheckpoints } from './audit-checkpoints.js';
export { trailOf, verifyAuditTrail, type VerifyReport, type VerifyStatus } from './audit-verifier.js';
