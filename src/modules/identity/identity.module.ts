import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ActionTokensService } from './action-tokens.service.js';
import { AuthGuard } from './auth/auth.guard.js';
import { JwtStrategy } from './auth/jwt.strategy.js';
import { SessionService } from './auth/session.service.js';
import { BootstrapStaffService } from './bootstrap-staff.service.js';
import { ActionToken } from './entities/action-token.entity.js';
import { Practice } from './entities/practice.entity.js';
import { RefreshToken } from './entities/refresh-token.entity.js';
import { Session } from './entities/session.entity.js';
import { User } from './entities/user.entity.js';
import { PasswordService } from './password.service.js';
import { AccountService } from './account.service.js';
import { AuthThrottle } from './auth-throttle.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { PracticeChangeRequest } from './entities/practice-change-request.entity.js';
import { SupportRequest } from './entities/support-request.entity.js';
import { MeController } from './me.controller.js';
import { PracticesController } from './practices.controller.js';
import { RegistrationService } from './registration.service.js';
import { SsoService } from './sso/sso.service.js';
import { StaffAccountsController } from './staff-accounts.controller.js';
import { TotpService } from './totp.service.js';

@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([User, Practice, Session, RefreshToken, ActionToken, PracticeChangeRequest, SupportRequest]),
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { algorithm: 'HS256', issuer: config.jwtIssuer, audience: config.jwtAudience },
        verifyOptions: { algorithms: ['HS256'], issuer: config.jwtIssuer, audience: config.jwtAudience },
      }),
    }),
  ],
  providers: [
    JwtStrategy,
    { provide: APP_GUARD, useClass: AuthGuard },
    SessionService,
    PasswordService,
    ActionTokensService,
    BootstrapStaffService,
    TotpService,
    AuthThrottle,
    AuthService,
    RegistrationService,
    AccountService,
    SsoService,
  ],
  controllers: [AuthController, MeController, PracticesController, StaffAccountsController],
  exports: [SessionService, PasswordService, ActionTokensService, AuthService],
})
export class IdentityModule {}
