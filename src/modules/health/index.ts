/** The health probe (`GET /health`); nothing here is for other modules but the module itself. */
export { HealthModule } from './health.module.js';
