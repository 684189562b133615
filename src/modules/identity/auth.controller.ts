import { Body, Controller, Get, HttpCode, Post, Query, Redirect } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AllowLockedSponsor, ClientIp, CurrentUser, Public } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { AuthThrottle } from './auth-throttle.service.js';
import { AcceptedDto, ActivatedDto, LoginResponseDto, SignedInDto, TokensDto } from './dto/auth-responses.dto.js';
import { ForgotDto, LoginDto, MfaDto, RefreshDto, RegisterDto, TokenDto, TokenPasswordDto } from './dto/auth.dto.js';
import { EmailVerifiedDto, RegisteredDto } from './dto/registrations.dto.js';
import { LockoutService } from './lockout.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { RegistrationService } from './registration.service.js';
import { SessionRefreshService } from './session-refresh.service.js';
import { SignInService } from './sign-in.service.js';
import { SsoService } from './sso/sso.service.js';

/** Sign-in, sessions and emailed links. Every route throttles per client address (in its service). */
@ApiTags('auth')
@Controller('auth')
@AllowLockedSponsor()
export class AuthController {
  constructor(
    private readonly signIn: SignInService,
    private readonly sessions: SessionRefreshService,
    private readonly passwords: PasswordResetService,
    private readonly registration: RegistrationService,
    private readonly sso: SsoService,
    private readonly lockout: LockoutService,
    private readonly throttle: AuthThrottle,
  ) {}

  @Public()
  @Post('register')
  @ApiCreatedResponse({ type: RegisteredDto })
  async register(@Body() dto: RegisterDto, @ClientIp() ip: string): Promise<RegisteredDto> {
    await this.throttle.ip(ip);
    return this.registration.register(dto, ip);
  }

  @Public()
  @Post('verify-email')
  @HttpCode(200)
  @ApiOkResponse({ type: EmailVerifiedDto })
  async verifyEmail(@Body() dto: TokenDto, @ClientIp() ip: string): Promise<EmailVerifiedDto> {
    await this.throttle.ip(ip);
    return this.registration.verifyEmail(dto.token);
  }

  @Public()
  @Post('verify-email/resend')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedDto, description: 'Always the same answer: a fresh link is emailed while that registration awaits its email' })
  resendVerification(@Body() dto: ForgotDto, @ClientIp() ip: string): Promise<AcceptedDto> {
    return this.registration.resendVerification(dto.email, ip);
  }

  @Public()
  @Post('activate')
  @HttpCode(200)
  @ApiOkResponse({ type: ActivatedDto })
  activate(@Body() dto: TokenPasswordDto, @ClientIp() ip: string): Promise<ActivatedDto> {
    return this.passwords.activate(dto.token, dto.password, ip);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  login(@Body() dto: LoginDto, @ClientIp() ip: string): Promise<LoginResponseDto> {
    return this.signIn.login(dto.email, dto.password, ip);
  }

  @Public()
  @Post('mfa')
  @HttpCode(200)
  @ApiOkResponse({ type: SignedInDto })
  mfa(@Body() dto: MfaDto, @ClientIp() ip: string): Promise<SignedInDto> {
    return this.signIn.verifyMfa(dto.mfaToken, dto.code, ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokensDto })
  refresh(@Body() dto: RefreshDto, @ClientIp() ip: string): Promise<TokensDto> {
    return this.sessions.refresh(dto.refreshToken, ip);
  }

  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session is ended' })
  logout(@CurrentUser() user: AuthUser): Promise<void> {
    return this.sessions.logout(user.id, user.kind, user.sessionId);
  }

  @Public()
  @Post('password/forgot')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedDto, description: 'Always the same answer: a reset link is emailed when the account may reset its password' })
  forgot(@Body() dto: ForgotDto, @ClientIp() ip: string): Promise<AcceptedDto> {
    return this.passwords.forgot(dto.email, ip);
  }

  @Public()
  @Post('password/reset')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The password is changed and every session ended' })
  reset(@Body() dto: TokenPasswordDto, @ClientIp() ip: string): Promise<void> {
    return this.passwords.resetPassword(dto.token, dto.password, ip);
  }

  /** The owner's link from the lock email (`${PORTAL_URL}/unlock?token=`): lifts a sign-in lock at once. */
  @Public()
  @Post('unlock')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The sign-in lock is lifted; the failure count starts again' })
  async unlock(@Body() dto: TokenDto, @ClientIp() ip: string): Promise<void> {
    await this.throttle.ip(ip);
    return this.lockout.unlockWithToken(dto.token, ip);
  }

  @Public()
  @Get('sso/login')
  @Redirect()
  @ApiFoundResponse({ description: "Redirect to the hospital identity provider's authorization endpoint" })
  async ssoLogin(@ClientIp() ip: string): Promise<{ url: string; statusCode: number }> {
    return { url: await this.sso.start(ip), statusCode: 302 };
  }

  /** The identity provider redirects the browser here; the answer is the session's tokens. */
  @Public()
  @Get('sso/callback')
  @ApiOkResponse({ type: SignedInDto })
  ssoCallback(@Query() query: Record<string, unknown>, @ClientIp() ip: string): Promise<SignedInDto> {
    return this.sso.finish(query, ip);
  }
}
