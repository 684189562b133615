/** What other modules may use of identity (accounts, sessions, sign-in). */
export { IdentityModule } from './identity.module.js';
export { AccountDirectoryService } from './account-directory.service.js';
export { AccountLifecycleService, type SponsoredInvite } from './account-lifecycle.service.js';
export { PracticeMoveService } from './practice-move.service.js';
export { PracticeRosterLink, type PracticeRoster } from './practice-roster.port.js';
export {
  SponsorTransferHooks,
  type SponsorTransferHook,
  type SponsoredUsersTransferred,
} from './sponsor-transfer.port.js';
export {
  RegistrationApprovalHooks,
  type RegistrationApprovalHook,
  type RegistrationApproved,
} from './registration-approval.port.js';
export {
  assertMaySignIn,
  effectiveLockReason,
  effectiveLockReasonSql,
  effectiveStatus,
  effectiveStatusSql,
  isExpiredLock,
  maySignIn,
  mayUseRoute,
  routeRefusal,
  routeRefusalOf,
  effectiveFacts,
  signInRefusal,
  type AccountStatusFacts,
  type EffectiveAccountStatus,
} from './account-status.policy.js';
export { AccessTokenSignature } from './auth/access-token.verifier.js';
export {
  SessionService,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  type IssuedTokens,
} from './auth/session.service.js';
export { ActionTokensService, ACTION_TOKEN_TTL_MS, type SpentActionToken } from './action-tokens.service.js';
export type { Account } from './account-directory.repository.js';
export type { LockedAccount } from './account-lifecycle.repository.js';
export { ACTION_TOKEN_PURPOSES, type ActionTokenPurpose } from './entities/action-token.entity.js';
export {
  LOCK_REASONS,
  SPONSORED_ROLES,
  STAFF_ROLES,
  type StaffRole,
  USER_KINDS,
  USER_STATUSES,
  type LockReason,
  type SponsoredRole,
  type UserKind,
  type UserStatus,
} from './entities/user.entity.js';
