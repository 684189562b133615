import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto.js';

export const SUPPORT_STATUSES = ['open', 'answered', 'closed'] as const;

export class SupportRequestCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time', description: 'End of the second business day in hospital time' })
  dueAt: string;
}

export class SupportReplyDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: ['team', 'requester'] }) from: 'team' | 'requester';
  @ApiProperty() message: string;
}

export class MySupportRequestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: SUPPORT_STATUSES }) status: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) dueAt: Date;
  @ApiProperty({ type: [SupportReplyDto] }) replies: SupportReplyDto[];
}

export class MySupportRequestPageDto {
  @ApiProperty({ type: [MySupportRequestDto] }) items: MySupportRequestDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class SupportRequestItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null when sent signed out' })
  userId: string | null;
  @ApiProperty({ description: 'Login email given (signed out) or of the account at the time of the report' })
  loginEmail: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty() hasScreenshot: boolean;
  @ApiProperty({ type: String, nullable: true, example: '/api/v1/staff/support-requests/{id}/screenshot' })
  screenshotUrl: string | null;
  @ApiProperty({ enum: SUPPORT_STATUSES }) status: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) dueAt: Date;
  @ApiProperty({ description: 'Open and past its due date' }) overdue: boolean;
  @ApiProperty({ description: 'Sent by a signed-in account (false: the email was typed, not checked)' })
  signedIn: boolean;
  @ApiProperty({ type: [SupportReplyDto] }) replies: SupportReplyDto[];
}

export class SupportRequestPageDto {
  @ApiProperty({ type: [SupportRequestItemDto] }) items: SupportRequestItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ListSupportRequestsDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SUPPORT_STATUSES })
  @IsOptional()
  @IsIn(SUPPORT_STATUSES)
  status?: (typeof SUPPORT_STATUSES)[number];
  @ApiPropertyOptional({ description: 'true: open and past due; false: the others' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  overdue?: boolean;
}

export class SupportReplyBodyDto {
  @ApiProperty({ description: 'Emailed to the requester verbatim: no patient data' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  message: string;
  @ApiPropertyOptional({ description: 'Close the request with this reply' })
  @IsOptional()
  @IsBoolean()
  close?: boolean;
}

export class SupportStatusDto {
  @ApiProperty({ enum: SUPPORT_STATUSES }) status: string;
}
