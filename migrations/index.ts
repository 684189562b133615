/** Every migration, in order. `npm run migration:generate -- Name` appends here. */
import { NotificationsListIndexAndChecks1795308738769 } from './1795308738769-NotificationsListIndexAndChecks.js';
import { InitialSchema1795308167230 } from './1795308167230-InitialSchema.js';
export const MIGRATIONS: Function[] = [InitialSchema1795308167230, NotificationsListIndexAndChecks1795308738769];
