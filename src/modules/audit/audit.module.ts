import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventsRepository } from './audit-events.repository.js';
import { AuditSealer } from './audit-sealer.service.js';
import { AuditSealsRepository } from './audit-seals.repository.js';
import { AuditSearchRepository } from './audit-search.repository.js';
import { AuditSearchService } from './audit-search.service.js';
import { AuditService } from './audit.service.js';
import { AuditEvent } from './entities/audit-event.entity.js';

/** The append-only audit trail: import AuditModule where AuditService is used (it is not global). */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  providers: [
    AuditService,
    AuditEventsRepository,
    AuditSealsRepository,
    AuditSealer,
    AuditSearchRepository,
    AuditSearchService,
  ],
  exports: [AuditService, AuditSealer, AuditSearchService],
})
export class AuditModule {}
