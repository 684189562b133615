/** What other modules may use of sponsorship. */
export { SponsorshipModule } from './sponsorship.module.js';
export { SponsorshipService, type SponsoredUserView } from './sponsorship.service.js';
export { ValidationJobsService, VALIDATION_JOBS } from './validation-jobs.service.js';
export type { ValidationStatus, ValidationView } from './dto/validation.dto.js';
