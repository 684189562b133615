/** What other modules may use of invitation tokens (import only from here). */
export { TokensModule } from './tokens.module.js';
export { InvitationsService, type InvitationIssuerRef } from './invitations.service.js';
export {
  InvitationIssueHooks,
  type InvitationIssueHook,
  type InvitationIssuedByStaff,
} from './invitation-issue.port.js';
export { INVITATION_ISSUERS, type InvitationIssuer } from './entities/invitation.entity.js';
