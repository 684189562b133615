import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PAGE_QUERY_READERS, PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import { dtoShortcut, matching, oneOf, textUpTo } from '../../../common/validation/dto-shortcut.js';
import { DOCUMENT_CATEGORIES, type DocumentCategory } from '../entities/clinical-document.entity.js';

const DOB_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

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
  @Matches(DOB_SHAPE, { message: 'dob must be a date YYYY-MM-DD' })
  dob?: string;
}

// Every search (the hot route) reads its query here without class-transformer/-validator; any other shape goes through them.
dtoShortcut(SearchPatientsQuery, {
  mrn: textUpTo(32),
  lastName: textUpTo(100),
  firstName: textUpTo(100),
  dob: matching(DOB_SHAPE),
});

export class DocumentsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: DOCUMENT_CATEGORIES })
  @IsOptional()
  @IsIn(DOCUMENT_CATEGORIES)
  category?: DocumentCategory;
}

// A document list's query (hot route), likewise.
dtoShortcut(DocumentsQuery, { ...PAGE_QUERY_READERS, category: oneOf(DOCUMENT_CATEGORIES) });

export class RosterEntryDto {
  @ApiProperty({ example: '1234567893', description: 'A valid NPI (10 digits with a correct check digit)' })
  @IsString()
  npi: string;
}
