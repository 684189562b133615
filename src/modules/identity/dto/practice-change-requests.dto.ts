import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';
import { ACCOUNT_KINDS, PracticeRefDto } from './me.dto.js';

export class PracticeChangeRequesterDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ type: String, nullable: true }) npi: string | null;
  @ApiProperty({ enum: ACCOUNT_KINDS }) kind: string;
}

export class PracticeChangeRequestItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['open', 'completed', 'rejected'] }) status: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: PracticeChangeRequesterDto }) user: PracticeChangeRequesterDto;
  @ApiProperty({ type: PracticeRefDto, nullable: true }) oldPractice: PracticeRefDto | null;
  @ApiProperty() newPracticeName: string;
  @ApiProperty() address: string;
  @ApiProperty() phone: string;
  @ApiProperty() fax: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'New email address, when it changes with the move',
  })
  email: string | null;
  @ApiProperty() wasSponsor: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt: Date | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The practice it was carried out to',
  })
  newPracticeId: string | null;
  @ApiProperty({ type: String, nullable: true }) rejectReason: string | null;
}

export class PracticeChangeRequestPageDto {
  @ApiProperty({ type: [PracticeChangeRequestItemDto] }) items: PracticeChangeRequestItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export const PRACTICE_CHANGE_STATUSES = ['open', 'completed', 'rejected'] as const;

export class ListPracticeChangeRequestsDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PRACTICE_CHANGE_STATUSES })
  @IsOptional()
  @IsIn(PRACTICE_CHANGE_STATUSES)
  status?: (typeof PRACTICE_CHANGE_STATUSES)[number];
}

export class CompletePracticeChangeDto {
  @ApiProperty({ format: 'uuid', description: 'The practice to move the requester to' })
  @IsString()
  @MaxLength(100)
  practiceId: string;
}

export class RejectPracticeChangeDto {
  @ApiProperty({ description: 'Emailed to the requester' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason: string;
}

export class PracticeChangeOutcomeDto {
  @ApiProperty({ enum: ['completed', 'rejected'] }) status: 'completed' | 'rejected';
}

export class MyPracticeChangeRequestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PRACTICE_CHANGE_STATUSES }) status: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt: Date | null;
}

export class MyPracticeChangeRequestPageDto {
  @ApiProperty({ type: [MyPracticeChangeRequestDto] }) items: MyPracticeChangeRequestDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
