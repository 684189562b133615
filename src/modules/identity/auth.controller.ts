import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query, Redirect, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
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
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuthThrottle } from './auth-throttle.service.js';
import {
  AcceptedDto,
  ActivatedDto,
  LoginResponseDto,
  SignedInDto,
  TokensDto,
} from './dto/auth-responses.dto.js';
import {
  ForgotDto,
  LoginDto,
  MfaDto,
  RefreshDto,
  RegisterDto,
  SsoExchangeDto,
  TokenDto,
  TokenPasswordDto,
} from './dto/auth.dto.js';
import { EmailVerifiedDto, RegisteredDto } from './dto/registrations.dto.js';
import { LockoutService } from './lockout.service.js';
import { PasswordResetService } from './password-reset.service.js';
import {
  clearRefreshCookie,
  REFRESH_COOKIE_HEADER,
  refreshTokenFrom,
  withRefreshCookie,
} from './refresh-cookie.js';
import { RegistrationService } from './registration.service.js';
import { SessionRefreshService } from './session-refresh.service.js';
import { SignInService } from './sign-in.service.js';
import { SSO_COOKIE, SsoService } from './sso/sso.service.js';
import { cookieValue } from './sso/sso-cookie.js';

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** The HTTP adapter: sets and clears cookies the same way on every platform. */
  private get cookies() {
    return this.adapterHost.httpAdapter;
  }

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
  @ApiAcceptedResponse({
    type: AcceptedDto,
    description: 'Always the same answer: a fresh link is emailed while that registration awaits its email',
  })
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
  @ApiOkResponse({ type: SignedInDto, headers: REFRESH_COOKIE_HEADER })
  async mfa(
    @Body() dto: MfaDto,
    @ClientIp() ip: string,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<SignedInDto> {
    return withRefreshCookie(
      this.cookies,
      res,
      this.config,
      await this.signIn.verifyMfa(dto.mfaToken, dto.code, ip),
    );
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({
    type: TokensDto,
    headers: REFRESH_COOKIE_HEADER,
    description: 'The refresh token is taken from the body, else from the cookie',
  })
  async refresh(
    @Body() dto: RefreshDto,
    @Headers('cookie') cookies: string | undefined,
    @ClientIp() ip: string,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<TokensDto> {
    return withRefreshCookie(
      this.cookies,
      res,
      this.config,
      await this.sessions.refresh(refreshTokenFrom(dto.refreshToken, cookies), ip),
    );
  }

  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session is ended and the refresh-token cookie cleared' })
  async logout(@CurrentUser() user: AuthUser, @Res({ passthrough: true }) res: FastifyReply): Promise<void> {
    await this.sessions.logout(user.id, user.kind, user.sessionId);
    clearRefreshCookie(this.cookies, res, this.config);
  }

  @Public()
  @Post('password/forgot')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: AcceptedDto,
    description: 'Always the same answer: a reset link is emailed when the account may reset its password',
  })
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
  @ApiFoundResponse({
    description:
      "Redirect to the hospital identity provider's authorization endpoint; sets the HttpOnly SameSite=Lax cookie binding the login to this browser",
  })
  async ssoLogin(
    @ClientIp() ip: string,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<{ url: string; statusCode: number }> {
    const { url, binding } = await this.sso.start(ip);
    this.cookies.setCookie(res, SSO_COOKIE, binding, this.sso.cookieOptions());
    return { url, statusCode: 302 };
  }

  /** The identity provider redirects the browser here; only the browser that started the login completes it. */
  @Public()
  @Get('sso/callback')
  @Redirect()
  @ApiFoundResponse({
    description:
      'Redirect to `${PORTAL_URL}/sso?code=<one-time, 60 s>` (exchanged with POST /auth/sso/exchange)',
  })
  async ssoCallback(
    @Query() query: Record<string, unknown>,
    @Headers('cookie') cookies: string | undefined,
    @ClientIp() ip: string,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<{ url: string; statusCode: number }> {
    this.cookies.clearCookie(res, SSO_COOKIE, this.sso.clearCookieOptions());
    return { url: await this.sso.finish(query, cookieValue(cookies, SSO_COOKIE), ip), statusCode: 302 };
  }

  @Public()
  @Post('sso/exchange')
  @HttpCode(200)
  @ApiOkResponse({ type: SignedInDto, headers: REFRESH_COOKIE_HEADER })
  async ssoExchange(
    @Body() dto: SsoExchangeDto,
    @ClientIp() ip: string,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<SignedInDto> {
    return withRefreshCookie(this.cookies, res, this.config, await this.sso.exchange(dto.code, ip));
  }
}
