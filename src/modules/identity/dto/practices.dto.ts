import { ApiProperty } from '@nestjs/swagger';

export class PracticeSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) city: string | null;
}

export class PracticeSearchPageDto {
  @ApiProperty({ type: [PracticeSummaryDto] }) items: PracticeSummaryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Always null: the search answers one page' })
  nextCursor: string | null;
}
