import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/index.js';
import { IdentityModule } from '../identity/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { PatientAccessModule } from '../patient-access/index.js';
import { TokensModule } from '../tokens/index.js';
import { AlertsRepository } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';
import { AuditTrailReportService } from './audit-trail-report.service.js';
import { DisclosuresService } from './disclosures.service.js';
import { Alert } from './entities/alert.entity.js';
import { PrivacyController } from './privacy.controller.js';
import { SelfGrantedRule } from './self-granted.rule.js';
import { UnusualSearchRule } from './unusual-search.rule.js';

/**
 * The privacy officer: the trail's search and export, disclosures, alerts and the rules that
 * raise them. Depends on audit, patient-access, identity and tokens (never the reverse: the rules
 * hook in through those modules' ports).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Alert]),
    AuditModule,
    NotificationsModule,
    PatientAccessModule,
    IdentityModule,
    TokensModule,
  ],
  controllers: [PrivacyController],
  providers: [
    AlertsRepository,
    AlertsService,
    AuditTrailReportService,
    DisclosuresService,
    UnusualSearchRule,
    SelfGrantedRule,
  ],
  exports: [AlertsService],
})
export class PrivacyModule {}
