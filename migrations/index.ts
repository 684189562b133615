/** Every migration, in order. `npm run migration:generate -- Name` appends here. */
import { AccessRequestsAndInvitations1795308487433 } from './1795308487433-AccessRequestsAndInvitations.js';
import { AccessRequestsConstraints1795308488433 } from './1795308488433-AccessRequestsConstraints.js';
import { InitialSchema1795308167230 } from './1795308167230-InitialSchema.js';
import { PatientAccessConstraints1795308400000 } from './1795308400000-PatientAccessConstraints.js';
export const MIGRATIONS: Function[] = [InitialSchema1795308167230, PatientAccessConstraints1795308400000, AccessRequestsAndInvitations1795308487433, AccessRequestsConstraints1795308488433];
