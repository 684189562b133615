/** Every migration, in order. `npm run migration:generate -- Name` appends here. */
import { InitialSchema1795308167230 } from './1795308167230-InitialSchema.js';
import { SponsorValidations1795308541733 } from './1795308541733-SponsorValidations.js';
import { SponsorValidationConstraints1795308541734 } from './1795308541734-SponsorValidationConstraints.js';
export const MIGRATIONS: Function[] = [InitialSchema1795308167230, SponsorValidations1795308541733, SponsorValidationConstraints1795308541734];
