import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AllowLockedSponsor, ClientIp, CurrentUser, Public } from '../../common/auth/auth.decorators.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { AuthThrottle } from './auth-throttle.service.js';
import { AuthService } from './auth.service.js';
import { ForgotDto, LoginDto, MfaDto, RefreshDto, RegisterDto, TokenDto, TokenPasswordDto } from './dto/auth.dto.js';
import { RegistrationService } from './registration.service.js';
import { SsoService } from './sso/sso.service.js';

@ApiTags('auth')
@Controller('auth')
@AllowLockedSponsor()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly registration: RegistrationService,
    private readonly sso: SsoService,
    private readonly throttle: AuthThrottle,
  ) {}

  @Public()
  @Post('register')
  async register(@Body() dto: RegisterDto, @ClientIp() ip: string) {
    await this.throttle.ip(ip);
    return this.registration.register(dto, ip);
  }

  @Public()
  @Post('verify-email')
  @HttpCode(200)
  async verifyEmail(@Body() dto: TokenDto, @ClientIp() ip: string) {
    await this.throttle.ip(ip);
    return this.registration.verifyEmail(dto.token);
  }

  @Public()
  @Post('activate')
  @HttpCode(200)
  async activate(@Body() dto: TokenPasswordDto, @ClientIp() ip: string) {
    await this.throttle.ip(ip);
    return this.auth.activate(dto.token, dto.password);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() dto: LoginDto, @ClientIp() ip: string) {
    await this.throttle.ip(ip);
    return this.auth.login(dto.email, dto.password, ip);
  }

  @Public()
  @Post('mfa')
  @HttpCode(200)
  async mfa(@Body() dto: MfaDto, @ClientIp() ip: string) {
    await this.throttle.ip(ip);
    return this.auth.verifyMfa(dto.mfaToken, dto.code, ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  async refresh(@Body() dto: RefreshDto, @ClientIp() ip: string) {
    await this.throttle.ip(ip);
    return this.auth.refresh(dto.refreshToken);
  }

  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentUser() user: AuthUser): Promise<void> {
    await this.auth.logout(user.id, user.kind, user.sessionId);
  }

  @Public()
  @Post('password/forgot')
  @HttpCode(202)
  async forgot(@Body() dto: ForgotDto, @ClientIp() ip: string): Promise<void> {
    await this.throttle.ip(ip);
    await this.auth.forgot(dto.email, ip);
  }

  @Public()
  @Post('password/reset')
  @HttpCode(204)
  async reset(@Body() dto: TokenPasswordDto, @ClientIp() ip: string): Promise<void> {
    await this.throttle.ip(ip);
    await this.auth.resetPassword(dto.token, dto.password);
  }

  @Public()
  @Get('sso/login')
  async ssoLogin(@ClientIp() ip: string, @Res() res: Response): Promise<void> {
    await this.throttle.ip(ip);
    res.redirect(302, await this.sso.start());
  }

  /** The identity provider redirects the browser here; the answer is the session's tokens. */
  @Public()
  @Get('sso/callback')
  async ssoCallback(@Query() query: Record<string, unknown>, @ClientIp() ip: string) {
    await this.throttle.ip(ip);
    return this.sso.finish(query, ip);
  }
}
