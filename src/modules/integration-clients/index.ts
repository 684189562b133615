/** What other modules may use of integration clients: the key check the global guard delegates to. */
export { IntegrationClientsModule } from './integration-clients.module.js';
export {
  IntegrationClientsService,
  type AuthenticatedIntegrationClient,
} from './integration-clients.service.js';
export type { IntegrationClientView } from './integration-clients.repository.js';
export { INTEGRATION_SYSTEMS, type IntegrationSystem } from './entities/integration-client.entity.js';
