/** Every migration, in order. `npm run migration:generate -- Name` appends here. */
import { IdentityRequests1795308649333 } from './1795308649333-IdentityRequests.js';
import { InitialSchema1795308167230 } from './1795308167230-InitialSchema.js';
export const MIGRATIONS: Function[] = [InitialSchema1795308167230, IdentityRequests1795308649333];
