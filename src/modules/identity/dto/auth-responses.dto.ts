import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UserViewDto } from './me.dto.js';

export const LOGIN_STATUSES = ['mfa_enrollment_required', 'mfa_required'] as const;

/** The password step's answer: the TOTP step comes next (with a new secret at the first sign-in). */
export class LoginResponseDto {
  @ApiProperty({ enum: LOGIN_STATUSES }) status: (typeof LOGIN_STATUSES)[number];
  @ApiProperty({ description: 'Short-lived (5 minutes) token for POST /auth/mfa' }) mfaToken: string;
  @ApiPropertyOptional({ description: 'Base32 TOTP secret (enrollment only)' }) secret?: string;
  @ApiPropertyOptional({ description: 'otpauth:// URI of the secret, for a QR code (enrollment only)' })
  otpauthUri?: string;
}

/** A session's tokens. */
export class TokensDto {
  @ApiProperty({ description: 'HS256 JWT bearer token' }) accessToken: string;
  @ApiProperty({ description: 'Opaque, single use: each refresh rotates it' }) refreshToken: string;
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn: number;
}

/** A new session: its tokens and the account. */
export class SignedInDto extends TokensDto {
  @ApiProperty({ type: UserViewDto }) user: UserViewDto;
}

/** The answer of a request whose outcome is not told (no account enumeration): the same whatever the account. */
export class AcceptedDto {
  @ApiProperty({ enum: ['accepted'] }) status: 'accepted';
}

export class ActivatedDto {
  @ApiProperty({ enum: ['active'] }) status: 'active';
}
