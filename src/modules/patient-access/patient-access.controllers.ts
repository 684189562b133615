import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiKeyAuth, CurrentUser, Kinds, Roles, StaffOnly } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { PageQueryDto } from '../../common/pagination/page-query.dto.js';
import { UpsertDocumentsDto, UpsertPatientDto } from './dto/ehr.dto.js';
import { MyPatientPageDto, MyPatientsQuery } from './dto/my-patients.dto.js';
import {
  AccessLogPageDto,
  ClinicalDocumentPageDto,
  PatientSearchResultDto,
  PatientSummaryDto,
  RosterAddResultDto,
  UpsertDocumentsResultDto,
  UpsertPatientResultDto,
} from './dto/patient-responses.dto.js';
import { DocumentsQuery, RosterEntryDto, SearchPatientsQuery } from './dto/patients-query.dto.js';
import { EhrFeedService } from './ehr-feed.service.js';
import { MyPatientsService } from './my-patients.service.js';
import { PatientAccessLogService } from './patient-access-log.service.js';
import { PatientRecordsService } from './patient-records.service.js';
import { PracticeRosterService } from './practice-roster.service.js';

@ApiTags('patients')
@Controller('patients')
@Kinds('provider', 'sponsored')
export class PatientsController {
  constructor(private readonly records: PatientRecordsService) {}

  @Get()
  @ApiOkResponse({
    type: PatientSearchResultDto,
    description: 'granted items with demographics and basis; not_authorized items with actions only',
  })
  search(@CurrentUser() user: AuthUser, @Query() query: SearchPatientsQuery) {
    return this.records.search(user, query);
  }

  @Get(':patientId')
  @ApiOkResponse({ type: PatientSummaryDto, description: '403 not_authorized with actions' })
  summary(@CurrentUser() user: AuthUser, @Param('patientId') patientId: string) {
    return this.records.summary(user, patientId);
  }

  @Get(':patientId/documents')
  @ApiOkResponse({ type: ClinicalDocumentPageDto, description: 'Newest first' })
  documents(
    @CurrentUser() user: AuthUser,
    @Param('patientId') patientId: string,
    @Query() query: DocumentsQuery,
  ) {
    return this.records.documents(user, patientId, query);
  }
}

@ApiTags('patients')
@Controller('me/patients')
@Kinds('provider', 'sponsored')
export class MyPatientsController {
  constructor(private readonly myPatients: MyPatientsService) {}

  @Get()
  @ApiOkResponse({
    type: MyPatientPageDto,
    description: 'Every patient the caller may view now, with newDocuments; audited patient.list',
  })
  @ApiForbiddenResponse({ description: '`forbidden` for staff' })
  list(@CurrentUser() user: AuthUser, @Query() query: MyPatientsQuery) {
    return this.myPatients.list(user, query);
  }
}

@ApiTags('integration')
@Controller('integration/ehr/patients')
@ApiKeyAuth('ehr')
export class EhrFeedController {
  constructor(private readonly feed: EhrFeedService) {}

  @Put(':mrn')
  @ApiOkResponse({ type: UpsertPatientResultDto, description: 'Updated (`created: false`)' })
  @ApiCreatedResponse({ type: UpsertPatientResultDto, description: 'Created (`created: true`)' })
  async upsertPatient(
    @Param('mrn') mrn: string,
    @Body() body: UpsertPatientDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const result = await this.feed.upsertPatient(mrn, body);
    res.status(result.created ? 201 : 200);
    return result;
  }

  @Post(':mrn/documents')
  @HttpCode(200)
  @ApiOkResponse({
    type: UpsertDocumentsResultDto,
    description: '404 unknown MRN; 409 document_belongs_to_other_patient',
  })
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
    private readonly accessLogs: PatientAccessLogService,
  ) {}

  @Post('practices/:practiceId/roster')
  @ApiCreatedResponse({ type: RosterAddResultDto, description: 'Idempotent: added false when already there' })
  addToRoster(
    @CurrentUser() user: AuthUser,
    @Param('practiceId') practiceId: string,
    @Body() body: RosterEntryDto,
  ) {
    return this.roster.add(user, practiceId, body.npi);
  }

  @Get('patients/:patientId/access-log')
  @Roles('team', 'privacy')
  @ApiOkResponse({ type: AccessLogPageDto, description: 'Newest first' })
  accessLog(
    @CurrentUser() user: AuthUser,
    @Param('patientId') patientId: string,
    @Query() query: PageQueryDto,
  ) {
    return this.accessLogs.list(user, patientId, query);
  }
}
