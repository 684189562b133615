import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AuditPersonDto } from '../../audit/index.js';
import { ACCESS_BASES, type AccessBasis } from '../access-decision.repository.js';
import { DOCUMENT_CATEGORIES, type DocumentCategory } from '../entities/clinical-document.entity.js';

/** Response shapes of the patient-access routes (OpenAPI only: services return plain objects of these shapes). */

const ACCESS_ACTIONS = ['request_pcp_access', 'request_non_pcp_access'] as const;

export class PendingRequestDto {
  @ApiProperty({
    enum: ['pcp', 'non_pcp'],
    description: 'pcp: a PCP-update request; non_pcp: a non-PCP access request',
  })
  kind: 'pcp' | 'non_pcp';

  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    example: 'pending',
    description: 'The open status (non_pcp: pending; pcp: open or in_progress)',
  })
  status: string;
}

export class PatientSearchItemDto {
  @ApiProperty({ format: 'uuid' })
  patientId: string;

  @ApiProperty({ enum: ['granted', 'not_authorized'] })
  access: 'granted' | 'not_authorized';

  @ApiPropertyOptional({ description: 'granted only', example: 'MRN0012345' })
  mrn?: string;

  @ApiPropertyOptional({ description: 'granted only' })
  firstName?: string;

  @ApiPropertyOptional({ description: 'granted only' })
  lastName?: string;

  @ApiPropertyOptional({ description: 'granted only, YYYY-MM-DD', example: '2016-03-14' })
  dob?: string;

  @ApiPropertyOptional({ enum: ACCESS_BASES, description: 'granted only' })
  basis?: AccessBasis;

  @ApiPropertyOptional({
    enum: ACCESS_ACTIONS,
    isArray: true,
    description: 'not_authorized only: what the caller may ask for',
  })
  actions?: Array<(typeof ACCESS_ACTIONS)[number]>;

  @ApiPropertyOptional({
    description: 'not_authorized only: whether the patient has a patient-portal account',
  })
  portalAccount?: boolean;

  @ApiPropertyOptional({ description: 'not_authorized only, when there is no portal account' })
  notice?: string;

  @ApiPropertyOptional({
    type: [PendingRequestDto],
    description:
      "not_authorized only: the caller's open requests for this patient; `actions` leaves out a kind already pending",
  })
  pendingRequests?: PendingRequestDto[];
}

export class PatientSearchResultDto {
  @ApiProperty({
    type: [PatientSearchItemDto],
    description: 'At most 50 matches, by last name, first name, MRN',
  })
  items: PatientSearchItemDto[];
}

export class RecordPersonDto {
  @ApiProperty({ example: '1234567893' })
  npi: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The provider's name when the NPI is a provider's",
  })
  name: string | null;
}

/** Who the patient is, as every clinical response names them (by the opaque patientId in URLs). */
export class PatientIdentityDto {
  @ApiProperty({ format: 'uuid' })
  patientId: string;

  @ApiProperty()
  mrn: string;

  @ApiProperty()
  firstName: string;

  @ApiProperty()
  lastName: string;

  @ApiProperty({ example: '2016-03-14' })
  dob: string;
}

export class PatientSummaryDto extends PatientIdentityDto {
  @ApiProperty({ type: RecordPersonDto, nullable: true })
  pcp: RecordPersonDto | null;

  @ApiProperty({ type: [RecordPersonDto] })
  careTeam: RecordPersonDto[];

  @ApiProperty()
  portalAccount: boolean;

  @ApiProperty({ enum: ACCESS_BASES })
  basis: AccessBasis;
}

export class ClinicalDocumentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: DOCUMENT_CATEGORIES })
  category: DocumentCategory;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;

  @ApiProperty()
  title: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }],
    description: 'As the EHR fed it',
  })
  body: string | Record<string, unknown>;

  @ApiProperty({ enum: ['N'], description: 'Always N: restricted documents (R, V) are never returned' })
  confidentiality: 'N';
}

export class ClinicalDocumentPageDto {
  @ApiProperty({ type: [ClinicalDocumentDto], description: 'Newest first' })
  items: ClinicalDocumentDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor: string | null;

  @ApiProperty({
    description:
      "The record's restricted documents (R, V) not shown: its total, the same on every page and filter",
  })
  withheld: number;
}

export class UpsertPatientResultDto {
  @ApiProperty({ format: 'uuid' })
  patientId: string;

  @ApiProperty()
  mrn: string;

  @ApiProperty({ description: 'true (201) when the MRN was new' })
  created: boolean;

  @ApiPropertyOptional({
    enum: [false],
    description: 'Present (false) when the update was older than the last applied one: nothing changed',
  })
  applied?: false;

  @ApiPropertyOptional({
    enum: [true],
    description:
      'Present (true) while a team PCP change is unacknowledged: every field but pcpNpi was applied',
  })
  pcpHeld?: true;
}

export class UpsertDocumentsResultDto {
  @ApiProperty({ description: 'Documents inserted or updated' })
  upserted: number;
}

export class RosterAddResultDto {
  @ApiProperty({ format: 'uuid' })
  practiceId: string;

  @ApiProperty()
  npi: string;

  @ApiProperty({ description: 'false when the NPI was already on the roster' })
  added: boolean;
}

export class AccessLogItemDto {
  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty()
  userName: string;

  @ApiProperty()
  userKind: string;

  @ApiProperty({ type: AuditPersonDto, description: 'v1.1: the person, `{id, name, kind, npi?, practice?}`' })
  user: AuditPersonDto;

  @ApiProperty({ example: 'patient.view' })
  action: string;

  @ApiProperty({ type: String, nullable: true, enum: ACCESS_BASES })
  basis: string | null;

  @ApiProperty({ example: 'success' })
  outcome: string;
}

export class AccessLogPageDto {
  @ApiProperty({ type: [AccessLogItemDto], description: 'Newest first' })
  items: AccessLogItemDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
