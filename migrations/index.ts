/** Every migration, in order. `npm run migration:generate -- Name` appends here. */
import { InitialSchema1795308167230 } from './1795308167230-InitialSchema.js';
import { PatientAccessConstraints1795308400000 } from './1795308400000-PatientAccessConstraints.js';
export const MIGRATIONS: Function[] = [InitialSchema1795308167230, PatientAccessConstraints1795308400000];
