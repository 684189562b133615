import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuditModule } from '../audit/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { ActionTokensService } from './action-tokens.service.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AccessTokenVerifier } from './auth/access-token.verifier.js';
import { SessionService } from './auth/session.service.js';
import { BootstrapStaffService } from './bootstrap-staff.service.js';
import { ActionToken } from './entities/action-token.entity.js';
import { Practice } from './entities/practice.entity.js';
import { RefreshToken } from './entities/refresh-token.entity.js';
import { Session } from './entities/session.entity.js';
import { User } from './entities/user.entity.js';
import { PasswordService } from './password.service.js';
import { AccountManagementRepository } from './account-management.repository.js';
import { AccountProfileService } from './account-profile.service.js';
import { AccountUnlockService } from './account-unlock.service.js';
import { PracticeChangeRequestsRepository } from './practice-change-requests.repository.js';
import { PracticeChangeRequestsService } from './practice-change-requests.service.js';
import { PracticesRepository } from './practices.repository.js';
import { PracticesService } from './practices.service.js';
import { RegistrationReviewService } from './registration-review.service.js';
import { SupportRequestsRepository } from './support-requests.repository.js';
import { SupportRequestsService } from './support-requests.service.js';
import { AuthThrottle } from './auth-throttle.service.js';
import { AuthController } from './auth.controller.js';
import { LockoutService } from './lockout.service.js';
import { MfaTokenService } from './mfa-token.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { SessionRefreshService } from './session-refresh.service.js';
import { SignInService } from './sign-in.service.js';
import { SsoSignInService } from './sso-sign-in.service.js';
import { PracticeChangeRequest } from './entities/practice-change-request.entity.js';
import { SupportRequest } from './entities/support-request.entity.js';
import { MeController } from './me.controller.js';
import { PracticesController } from './practices.controller.js';
import { RegistrationService } from './registration.service.js';
import { SsoService } from './sso/sso.service.js';
import { StaffAccountsController } from './staff-accounts.controller.js';
import { TotpService } from './totp.service.js';
import { AccountDirectoryService } from './account-directory.service.js';
import { AccountLifecycleService } from './account-lifecycle.service.js';
import { ActionTokensRepository } from './action-tokens.repository.js';
import { SessionsRepository } from './sessions.repository.js';
import { UsersRepository } from './users.repository.js';
import { AccountLifecycleRepository } from './account-lifecycle.repository.js';
import { AccountDirectoryRepository } from './account-directory.repository.js';
import { UserViewService } from './user-view.js';
import { AccountAdministrationRepository } from './account-administration.repository.js';
import { AccountRecoveryService } from './account-recovery.service.js';
import { PracticeMoveService } from './practice-move.service.js';
import { SponsorTransferHooks } from './sponsor-transfer.port.js';
import { RegistrationApprovalHooks } from './registration-approval.port.js';
import { StaffAccountActionsService } from './staff-account-actions.service.js';
import { StaffAccountsService } from './staff-accounts.service.js';
import { StaffDirectoryRepository } from './staff-directory.repository.js';
import { StaffDirectoryService } from './staff-directory.service.js';
import { StaffUsersController } from './staff-users.controller.js';
import { AccountSecurityService } from './account-security.service.js';
import { MeSecurityController } from './me-security.controller.js';
import { PracticeRosterLink } from './practice-roster.port.js';
import { StaffHelpDeskController } from './staff-help-desk.controller.js';
import { StaffPracticesController } from './staff-practices.controller.js';
import { StaffPracticesService } from './staff-practices.service.js';
import { SupportDeskService } from './support-desk.service.js';

/** Accounts, sign-in and sessions. Not global: other modules import it from `../identity/index.js`. */
@Module({
  imports: [
    AuditModule,
    NotificationsModule,
    TypeOrmModule.forFeature([
      User,
      Practice,
      Session,
      RefreshToken,
      ActionToken,
      PracticeChangeRequest,
      SupportRequest,
    ]),
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
    AccessTokenVerifier,
    { provide: APP_GUARD, useClass: AuthGuard },
    SessionService,
    PasswordService,
    ActionTokensService,
    BootstrapStaffService,
    TotpService,
    AuthThrottle,
    LockoutService,
    MfaTokenService,
    SignInService,
    SsoSignInService,
    SessionRefreshService,
    PasswordResetService,
    RegistrationService,
    AccountManagementRepository,
    AccountProfileService,
    AccountUnlockService,
    RegistrationReviewService,
    PracticesRepository,
    PracticesService,
    PracticeChangeRequestsRepository,
    PracticeChangeRequestsService,
    SupportRequestsRepository,
    SupportRequestsService,
    SsoService,
    UsersRepository,
    AccountLifecycleRepository,
    AccountDirectoryRepository,
    SessionsRepository,
    ActionTokensRepository,
    UserViewService,
    AccountDirectoryService,
    AccountLifecycleService,
    AccountAdministrationRepository,
    StaffDirectoryRepository,
    StaffDirectoryService,
    StaffAccountsService,
    StaffAccountActionsService,
    AccountRecoveryService,
    PracticeMoveService,
    SponsorTransferHooks,
    RegistrationApprovalHooks,
    AccountSecurityService,
    PracticeRosterLink,
    StaffPracticesService,
    SupportDeskService,
  ],
  controllers: [
    AuthController,
    MeController,
    MeSecurityController,
    PracticesController,
    StaffAccountsController,
    StaffUsersController,
    StaffHelpDeskController,
    StaffPracticesController,
  ],
  exports: [
    SessionService,
    PasswordService,
    ActionTokensService,
    AccountDirectoryService,
    AccountLifecycleService,
    PracticeMoveService,
    SponsorTransferHooks,
    RegistrationApprovalHooks,
    PracticeRosterLink,
  ],
})
export class IdentityModule {}
