import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { UuidParam } from '../../common/http/uuid-param.pipe.js';
import { AlertsService } from './alerts.service.js';
import { AuditTrailReportService } from './audit-trail-report.service.js';
import { DisclosuresService } from './disclosures.service.js';
import { AlertsQuery, AuditEventsQuery, DisclosuresQuery, ResolveAlertDto } from './dto/privacy-query.dto.js';
import { AlertDto, AlertPageDto, AuditEventPageDto, DisclosurePageDto } from './dto/privacy-responses.dto.js';

/** `Accept: text/csv` asks for the export. */
const wantsCsv = (accept: string | undefined) => /\btext\/csv\b/i.test(accept ?? '');

/** The privacy officer's routes (API.md v1.1 "Privacy"): staff role `privacy`. */
@ApiTags('privacy')
@Controller('staff')
@StaffOnly()
@Roles('privacy')
export class PrivacyController {
  constructor(
    private readonly reports: AuditTrailReportService,
    private readonly disclosures: DisclosuresService,
    private readonly alerts: AlertsService,
  ) {}

  @Get('audit-events')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    type: AuditEventPageDto,
    description:
      'Newest first. With `Accept: text/csv`: the CSV export (from and to required, at most 366 days apart), streamed, audited `audit.export`',
  })
  auditEvents(
    @CurrentUser() user: AuthUser,
    @Query() query: AuditEventsQuery,
    @Headers('accept') accept?: string,
  ) {
    return wantsCsv(accept) ? this.reports.exportCsv(user, query) : this.reports.search(user, query);
  }

  @Get('patients/:patientId/disclosures')
  @ApiOkResponse({
    type: DisclosurePageDto,
    description: 'Accounting of disclosures, newest first; 404 unknown patient',
  })
  patientDisclosures(
    @CurrentUser() user: AuthUser,
    @Param('patientId', UuidParam) patientId: string,
    @Query() query: DisclosuresQuery,
  ) {
    return this.disclosures.list(user, patientId, query);
  }

  @Get('alerts')
  @ApiOkResponse({ type: AlertPageDto, description: 'Newest first' })
  listAlerts(@Query() query: AlertsQuery) {
    return this.alerts.list(query);
  }

  @Post('alerts/:id/resolve')
  @HttpCode(200)
  @ApiOkResponse({ type: AlertDto, description: '409 invalid_state when already resolved' })
  resolveAlert(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidParam) id: string,
    @Body() body: ResolveAlertDto,
  ) {
    return this.alerts.resolve(user, id, body.note);
  }
}
