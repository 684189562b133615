/** What other modules may use of the audit trail. */
export { AuditModule } from './audit.module.js';
export { AuditService, type AccessLogItem, type AccessLogPage, type AuditEntry, type AuditOutcome } from './audit.service.js';
export { chainHasHead, verifyAuditChain, type ChainBreak, type ChainReport } from './audit-chain.js';
