import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ACCOUNT_KINDS } from './me.dto.js';

const PHONE = /^[0-9+().\-\s]{7,40}$/;

export class CreatePracticeDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(500) address: string;
  @ApiProperty() @IsString() @Matches(PHONE, { message: 'phone must be a phone number' }) phone: string;
  @ApiProperty() @IsString() @Matches(PHONE, { message: 'fax must be a phone number' }) fax: string;
}

export class UpdatePracticeDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500) address?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(PHONE, { message: 'phone must be a phone number' })
  phone?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(PHONE, { message: 'fax must be a phone number' })
  fax?: string;
}

export class PracticeCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
}

export class PracticeMemberDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ACCOUNT_KINDS }) kind: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true }) npi: string | null;
  @ApiProperty() status: string;
  @ApiProperty() isSponsor: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) sponsorId: string | null;
}

export class RosterNpiDto {
  @ApiProperty({ example: '1234567893' }) npi: string;
}

export class StaffPracticeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() address: string;
  @ApiProperty({ type: String, nullable: true }) city: string | null;
  @ApiProperty() phone: string;
  @ApiProperty() fax: string;
}

export class StaffPracticeDetailDto extends StaffPracticeDto {
  @ApiProperty({
    type: [PracticeMemberDto],
    description: 'Provider and sponsored accounts of the practice (every status)',
  })
  members: PracticeMemberDto[];
  @ApiProperty({ type: [RosterNpiDto], description: 'NPIs staff added to its physicians' })
  roster: RosterNpiDto[];
}
