import { ApiProperty } from '@nestjs/swagger';
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
  @ApiProperty({ type: String, nullable: true, description: 'New email address, when it changes with the move' }) email: string | null;
  @ApiProperty() wasSponsor: boolean;
}

export class PracticeChangeRequestPageDto {
  @ApiProperty({ type: [PracticeChangeRequestItemDto] }) items: PracticeChangeRequestItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
