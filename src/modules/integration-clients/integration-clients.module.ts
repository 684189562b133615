import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IntegrationClient } from './entities/integration-client.entity.js';
import { IntegrationClientsRepository } from './integration-clients.repository.js';
import { IntegrationClientsService } from './integration-clients.service.js';

/** API keys of the EHR feed and the patient portal (`npm run integration:create|revoke`); checked by the global guard. */
@Module({
  imports: [TypeOrmModule.forFeature([IntegrationClient])],
  providers: [IntegrationClientsService, IntegrationClientsRepository],
  exports: [IntegrationClientsService],
})
export class IntegrationClientsModule {}
