import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DOCUMENT_CATEGORIES, type DocumentCategory } from '../entities/clinical-document.entity.js';

export class SearchPatientsQuery {
  @ApiPropertyOptional({ example: 'MRN0012345' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  mrn?: string;

  @ApiPropertyOptional({ example: 'Martinez' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastName?: string;

  @ApiPropertyOptional({ example: 'Zoe' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  firstName?: string;

  @ApiPropertyOptional({ example: '2016-03-14' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dob must be a date YYYY-MM-DD' })
  dob?: string;
}

export class PageQuery {
  @ApiPropertyOptional({ description: '1 to 200, default 50' })
  @IsOptional()
  @IsString()
  @Matches(/^(?:[1-9]\d?|1\d\d|200)$/, { message: 'limit must be an integer from 1 to 200' })
  limit?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class DocumentsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DOCUMENT_CATEGORIES })
  @IsOptional()
  @IsIn(DOCUMENT_CATEGORIES)
  category?: DocumentCategory;
}

export class RosterEntryDto {
  @IsString()
  npi: string;
}
