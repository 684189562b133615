/** Every migration, in order. `npm run migration:generate -- Name` appends here. */
import { InitialSchema1795308167230 } from './1795308167230-InitialSchema.js';
import { PcpUpdates1795308709838 } from './1795308709838-PcpUpdates.js';
import { PcpUpdatesConstraints1795308709839 } from './1795308709839-PcpUpdatesConstraints.js';
export const MIGRATIONS: Function[] = [InitialSchema1795308167230, PcpUpdates1795308709838, PcpUpdatesConstraints1795308709839];
