import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  CONFIDENTIALITY_CODES,
  type Confidentiality,
  DOCUMENT_CATEGORIES,
  type DocumentBody,
  type DocumentCategory,
} from '../entities/clinical-document.entity.js';
import { IsNpi } from '../../../common/validation/npi.js';

export const MAX_CARE_TEAM = 100;
export const MAX_DOCUMENTS_PER_BATCH = 500;

export class UpsertPatientDto {
  @ApiProperty({ example: 'Zoë' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/\S/, { message: 'firstName must not be blank' })
  firstName: string;

  @ApiProperty({ example: 'Martínez' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/\S/, { message: 'lastName must not be blank' })
  lastName: string;

  @ApiProperty({ example: '2016-03-14', description: 'YYYY-MM-DD, a real date, not in the future' })
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dob must be a date YYYY-MM-DD' })
  dob: string;

  @ApiPropertyOptional({
    example: '1234567893',
    nullable: true,
    description: 'PCP NPI; null or absent: no PCP',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsNpi()
  pcpNpi?: string | null;

  @ApiProperty()
  @IsBoolean()
  hasPortalAccount: boolean;

  @ApiProperty({ type: [String], example: ['1234567893'] })
  @IsArray()
  @ArrayMaxSize(MAX_CARE_TEAM)
  @IsNpi({
    each: true,
    message: 'careTeamNpis must contain valid NPIs (10 digits with a correct check digit)',
  })
  careTeamNpis: string[];

  @ApiPropertyOptional({
    example: '2026-11-16T15:00:00Z',
    description:
      'When the EHR last changed this record (instant with offset): an update older than the last applied one changes nothing',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/T.*(Z|[+-]\d{2}:?\d{2})$/, {
    message: 'sourceUpdatedAt must be an instant with a time and an offset',
  })
  sourceUpdatedAt?: string;
}

/** Longest document body, serialised (API.md v1.1). */
export const MAX_BODY_CHARS = 200_000;

/** A string of at most MAX_BODY_CHARS, or a plain JSON object whose JSON is at most that long; arrays, numbers, null: no. */
export function isDocumentBody(value: unknown): boolean {
  if (typeof value === 'string') return value.length <= MAX_BODY_CHARS;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return JSON.stringify(value).length <= MAX_BODY_CHARS;
}

function IsDocumentBody() {
  return ValidateBy({
    name: 'isDocumentBody',
    validator: {
      validate: isDocumentBody,
      defaultMessage: () =>
        `body must be a string or a JSON object of at most ${MAX_BODY_CHARS} characters serialised`,
    },
  });
}

export class DocumentDto {
  @ApiProperty({ example: 'EHR-DOC-000123' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  externalId: string;

  @ApiProperty({ enum: DOCUMENT_CATEGORIES })
  @IsIn(DOCUMENT_CATEGORIES)
  category: DocumentCategory;

  @ApiProperty({ example: '2026-11-02T14:30:00-05:00', description: 'ISO 8601 instant with offset' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/T.*(Z|[+-]\d{2}:?\d{2})$/, { message: 'occurredAt must be an instant with a time and an offset' })
  occurredAt: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }],
    description: `Text, or a JSON object (results, medications), at most ${MAX_BODY_CHARS} characters serialised; returned deep-equal`,
  })
  @IsDocumentBody()
  body: DocumentBody;

  @ApiPropertyOptional({
    enum: CONFIDENTIALITY_CODES,
    default: 'N',
    description: 'HL7 v3: R and V are never shown, only counted as withheld',
  })
  @IsOptional()
  @IsIn(CONFIDENTIALITY_CODES, { message: 'confidentiality must be one of N, R, V' })
  confidentiality?: Confidentiality;
}

export class UpsertDocumentsDto {
  @ApiProperty({ type: [DocumentDto], description: `1 to ${MAX_DOCUMENTS_PER_BATCH} documents` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DOCUMENTS_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => DocumentDto)
  documents: DocumentDto[];
}
