import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(1024) currentPassword: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(1024) newPassword: string;
}

export class MySessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) lastActiveAt: Date;
  @ApiProperty({ enum: ['password_totp', 'sso'] }) method: 'password_totp' | 'sso';
  @ApiProperty({ description: 'The session of this request' }) current: boolean;
}

export class MySessionPageDto {
  @ApiProperty({ type: [MySessionDto] }) items: MySessionDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
