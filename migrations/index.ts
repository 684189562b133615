/** Every migration, in order. `npm run migration:generate -- Name` appends here. */
import { PcpUpdatesV111796120247920 } from './1796120247920-PcpUpdatesV11.js';
import { IntegrationClients1796119493718 } from './1796119493718-IntegrationClients.js';
import { InitialSchema1795308167230 } from './1795308167230-InitialSchema.js';
import { PatientAccessConstraints1795308400000 } from './1795308400000-PatientAccessConstraints.js';
import { AccessRequestsAndInvitations1795308487433 } from './1795308487433-AccessRequestsAndInvitations.js';
import { AccessRequestsConstraints1795308488433 } from './1795308488433-AccessRequestsConstraints.js';
import { AuditAppendOnlyChain1795308500000 } from './1795308500000-AuditAppendOnlyChain.js';
import { SponsorValidations1795308541733 } from './1795308541733-SponsorValidations.js';
import { SponsorValidationConstraints1795308541734 } from './1795308541734-SponsorValidationConstraints.js';
import { IdentityRequests1795308649333 } from './1795308649333-IdentityRequests.js';
import { PcpUpdates1795308709838 } from './1795308709838-PcpUpdates.js';
import { PcpUpdatesConstraints1795308709839 } from './1795308709839-PcpUpdatesConstraints.js';
import { NotificationsListIndexAndChecks1795308738769 } from './1795308738769-NotificationsListIndexAndChecks.js';
import { PatientAccessIndexes1795308793271 } from './1795308793271-PatientAccessIndexes.js';
import { AccountDirectoryView1795309000000 } from './1795309000000-AccountDirectoryView.js';
import { AccessGrantExpiry1795310100000 } from './1795310100000-AccessGrantExpiry.js';
import { AccessRequestsWithdrawn1795310310000 } from './1795310310000-AccessRequestsWithdrawn.js';
import { DocumentConfidentialityAndOpens1795310320000 } from './1795310320000-DocumentConfidentialityAndOpens.js';
import { InvitationCancellation1795310330000 } from './1795310330000-InvitationCancellation.js';
import { StaffRolesAndLifecycle1795310200000 } from './1795310200000-StaffRolesAndLifecycle.js';
import { AuditSealedTrail1795311500000 } from './1795311500000-AuditSealedTrail.js';
import { AuditRuntimeRole1795311500001 } from './1795311500001-AuditRuntimeRole.js';
import { HelpDeskAndPracticeChanges1796200000000 } from './1796200000000-HelpDeskAndPracticeChanges.js';
import { JobRuns1796200000001 } from './1796200000001-JobRuns.js';
import { PrivacyAlerts1796300000000 } from './1796300000000-PrivacyAlerts.js';
import { UsersFillfactor1796315000000 } from './1796315000000-UsersFillfactor.js';
export const MIGRATIONS: Function[] = [
  InitialSchema1795308167230,
  PatientAccessConstraints1795308400000,
  AccessRequestsAndInvitations1795308487433,
  AccessRequestsConstraints1795308488433,
  AuditAppendOnlyChain1795308500000,
  SponsorValidations1795308541733,
  SponsorValidationConstraints1795308541734,
  IdentityRequests1795308649333,
  PcpUpdates1795308709838,
  PcpUpdatesConstraints1795308709839,
  NotificationsListIndexAndChecks1795308738769,
  PatientAccessIndexes1795308793271,
  AccountDirectoryView1795309000000,
  AccessGrantExpiry1795310100000,
  AccessRequestsWithdrawn1795310310000,
  DocumentConfidentialityAndOpens1795310320000,
  InvitationCancellation1795310330000,
  StaffRolesAndLifecycle1795310200000,
  AuditSealedTrail1795311500000,
  AuditRuntimeRole1795311500001,
  IntegrationClients1796119493718,
  PcpUpdatesV111796120247920,
  HelpDeskAndPracticeChanges1796200000000,
  JobRuns1796200000001,
  PrivacyAlerts1796300000000,
  UsersFillfactor1796315000000,
];
