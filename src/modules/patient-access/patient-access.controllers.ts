import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiKeyAuth, CurrentUser, Kinds, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound } from '../../common/errors/problem.js';
import { decodeCursor, encodeCursor, pageLimit } from '../../common/pagination/cursor.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { AuditService } from '../audit/audit.service.js';
import { isUuid } from '../../common/validation/uuid.js';
import { UpsertDocumentsDto, UpsertPatientDto } from './dto/ehr.dto.js';
import { DocumentsQuery, RosterEntryDto, SearchPatientsQuery } from './dto/patients-query.dto.js';
import { EhrFeedService } from './ehr-feed.service.js';
import { PatientRecordsService } from './patient-records.service.js';
import { PatientsService } from './patients.service.js';
import { PracticeRosterService } from './practice-roster.service.js';

@ApiTags('patients')
@Controller('patients')
@Kinds('provider', 'sponsored')
export class PatientsController {
  constructor(private readonly records: PatientRecordsService) {}

  @Get()
  @ApiOkResponse({
    description:
      '`{items}`: granted items with demographics and basis; not_authorized items with actions only',
  })
  search(@CurrentUser() user: AuthUser, @Query() query: SearchPatientsQuery) {
    return this.records.search(user, query);
  }

  @Get(':patientId')
  @ApiOkResponse({
    description:
      '`{patientId, mrn, firstName, lastName, dob, pcp:{npi,name}, careTeam, basis}`; 403 not_authorized with actions',
  })
  summary(@CurrentUser() user: AuthUser, @Param('patientId') patientId: string) {
    return this.records.summary(user, patientId);
  }

  @Get(':patientId/documents')
  @ApiOkResponse({
    description: '`{items:[{id, category, occurredAt, title, body}], nextCursor}`, newest first',
  })
  documents(
    @CurrentUser() user: AuthUser,
    @Param('patientId') patientId: string,
    @Query() query: DocumentsQuery,
  ) {
    return this.records.documents(user, patientId, query);
  }
}

@ApiTags('integration')
@Controller('integration/ehr/patients')
@ApiKeyAuth('ehr')
export class EhrFeedController {
  constructor(private readonly feed: EhrFeedService) {}

  @Put(':mrn')
  @ApiOkResponse({ description: 'Updated: `{patientId, mrn, created:false}`' })
  @ApiCreatedResponse({ description: 'Created: `{patientId, mrn, created:true}`' })
  async upsertPatient(
    @Param('mrn') mrn: string,
    @Body() body: UpsertPatientDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.feed.upsertPatient(mrn, body);
    res.status(result.created ? 201 : 200);
    return result;
  }

  @Post(':mrn/documents')
  @HttpCode(200)
  @ApiOkResponse({ description: '`{upserted}`; 404 unknown MRN; 409 document_belongs_to_other_patient' })
  upsertDocuments(@Param('mrn') mrn: string, @Body() body: UpsertDocumentsDto) {
    return this.feed.upsertDocuments(mrn, body);
  }
}

@ApiTags('staff')
@Controller('staff')
@StaffOnly()
export class PatientAccessStaffController {
  constructor(
    private readonly roster: PracticeRosterService,
    private readonly patients: PatientsService,
    private readonly audit: AuditService,
  ) {}

  @Post('practices/:practiceId/roster')
  @ApiCreatedResponse({
    description: '`{practiceId, npi, added}` (idempotent: added false when already there)',
  })
  addToRoster(
    @CurrentUser() user: AuthUser,
    @Param('practiceId') practiceId: string,
    @Body() body: RosterEntryDto,
  ) {
    return this.roster.add(user, practiceId, body.npi);
  }

  @Get('patients/:patientId/access-log')
  @ApiOkResponse({
    description: '`{items:[{at, userId, userName, action, basis, outcome}], nextCursor}`, newest first',
  })
  async accessLog(
    @CurrentUser() user: AuthUser,
    @Param('patientId') patientId: string,
    @Query() query: PageQueryDto,
  ) {
    const limit = pageLimit(query.limit);
    const after = decodeCursor(query.cursor, ['instant', 'bigint']);
    if (!isUuid(patientId) || !(await this.patients.findById(patientId))) throw notFound('No such patient.');
    const page = await this.audit.listForPatient(patientId, {
      limit,
      after: after && { at: after[0], id: after[1] },
    });
    await this.audit.record({
      actorId: user.id,
      actorKind: user.kind,
      action: 'staff.access_log_view',
      patientId,
      outcome: 'success',
    });
    return {
      items: page.items,
      nextCursor: page.nextCursor ? encodeCursor([page.nextCursor.at, page.nextCursor.id]) : null,
    };
  }
}
