/** Every migration, in order. `npm run migration:generate -- Name` appends here. */
import { PatientAccessIndexes1795308793271 } from './1795308793271-PatientAccessIndexes.js';
import { InitialSchema1795308167230 } from './1795308167230-InitialSchema.js';
import { PatientAccessConstraints1795308400000 } from './1795308400000-PatientAccessConstraints.js';
import { AuditAppendOnlyChain1795308500000 } from './1795308500000-AuditAppendOnlyChain.js';
export const MIGRATIONS: Function[] = [InitialSchema1795308167230, PatientAccessConstraints1795308400000, AuditAppendOnlyChain1795308500000, PatientAccessIndexes1795308793271];
