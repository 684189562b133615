import { ApiProperty } from '@nestjs/swagger';

/** One email captured by the development mailbox. */
export class CapturedMailDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time', description: 'When the sender handed it over' }) at: string;
  @ApiProperty() from: string;
  @ApiProperty({ type: [String] }) to: string[];
  @ApiProperty() subject: string;
  @ApiProperty() text: string;
  @ApiProperty() html: string;
  @ApiProperty({
    type: [String],
    description: 'The links of the text body, once each (`${PORTAL_URL}/<action>?token=…`)',
  })
  links: string[];
}

export class DevMailboxDto {
  @ApiProperty({ type: [CapturedMailDto], description: 'Oldest first; the last 200 emails' })
  items: CapturedMailDto[];
}
