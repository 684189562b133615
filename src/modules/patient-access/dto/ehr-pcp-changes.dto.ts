import { ApiProperty } from '@nestjs/swagger';

/** Response shapes of the EHR's PCP-change feed (services return plain objects of these shapes). */
export class EhrPcpChangeItemDto {
  @ApiProperty({ format: 'uuid', description: 'Acknowledge with POST /integration/ehr/pcp-changes/:id/ack' })
  id: string;
  @ApiProperty() mrn: string;
  @ApiProperty({ description: "The NPI the MyPatients team made the patient's PCP" }) pcpNpi: string;
  @ApiProperty({ format: 'date-time' }) completedAt: string;
}

export class EhrPcpChangePageDto {
  @ApiProperty({ type: [EhrPcpChangeItemDto] }) items: EhrPcpChangeItemDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' })
  nextCursor: string | null;
}

export class EhrPcpChangeAckDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: [true] }) acknowledged: true;
}
