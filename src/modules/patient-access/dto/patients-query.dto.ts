import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
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

export class DocumentsQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: DOCUMENT_CATEGORIES })
  @IsOptional()
  @IsIn(DOCUMENT_CATEGORIES)
  category?: DocumentCategory;
}

export class RosterEntryDto {
  @ApiProperty({ example: '1234567893', description: 'A valid NPI (10 digits with a correct check digit)' })
  @IsString()
  npi: string;
}
