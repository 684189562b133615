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

@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([User, Practice, Session, RefreshToken, ActionToken]),
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
  ],
  exports: [SessionService, PasswordService, ActionTokensService],
})
export class IdentityModule {}
