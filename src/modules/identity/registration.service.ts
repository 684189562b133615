import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, conflict } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { isValidNpi } from '../../common/validation/npi.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { isUniqueViolation, inTransaction } from '../../database/sql.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { AccountAdministrationRepository } from './account-administration.repository.js';
import { AccountManagementRepository, USERS_UNIQUE } from './account-management.repository.js';
import { unverifiedCutoff } from './account-status.policy.js';
import { AUTH_LIMITS, AuthThrottle } from './auth-throttle.service.js';
import { ActionTokensService } from './action-tokens.service.js';
import type { HospitalAccountDto, NewPracticeDto, RegisterDto } from './dto/auth.dto.js';
import type { EmailVerifiedDto, HospitalAccountCreatedDto, RegisteredDto } from './dto/registrations.dto.js';
import { PasswordService } from './password.service.js';
import { assertStrongPassword } from './password-policy.js';
import { PracticesRepository } from './practices.repository.js';

const invalidNpi = () =>
  badRequest(
    'invalid_npi',
    'The NPI is not valid: it must be 10 digits with a correct check digit (see the NPPES registry).',
  );
const npiTaken = () => conflict('npi_taken', 'An account already exists for this NPI.');
const emailTaken = () => conflict('email_taken', 'An account already exists for this email address.');
const hospitalIdTaken = () =>
  conflict('hospital_id_taken', 'An account already exists for this hospital identity.');

/**
 * Maps a unique violation on `users` (two requests racing past the checks) to the contract's
 * conflict codes; any other error is given back as it is.
 */
export function conflictFromUniqueViolation(error: unknown): Error {
  if (isUniqueViolation(error, USERS_UNIQUE.npi)) return npiTaken();
  if (isUniqueViolation(error, USERS_UNIQUE.email)) return emailTaken();
  if (isUniqueViolation(error, USERS_UNIQUE.hospitalId)) return hospitalIdTaken();
  return error as Error;
}

/** Best effort: "1 Main St, Boston, MA 02115" → "Boston". */
export function cityFromAddress(address: string): string | null {
  const parts = address
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length < 2) return null;
  const last = parts[parts.length - 1];
  if (
    /^[A-Za-z]{2}\.?\s*\d{5}(-\d{4})?$/.test(last) ||
    /^[A-Za-z]{2}$/.test(last) ||
    /^\d{5}(-\d{4})?$/.test(last)
  ) {
    return parts.length >= 3 ? parts[parts.length - 2].slice(0, 100) : null;
  }
  return last.replace(/\s+[A-Za-z]{2}\s+\d{5}(-\d{4})?$/, '').slice(0, 100) || null;
}

/** Provider registration (email → verify → staff approval, see RegistrationReviewService) and staff-created hospital accounts. */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountManagementRepository,
    private readonly administration: AccountAdministrationRepository,
    private readonly throttle: AuthThrottle,
    private readonly practices: PracticesRepository,
    private readonly clock: Clock,
    private readonly passwords: PasswordService,
    private readonly tokens: ActionTokensService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(dto: RegisterDto, ip: string): Promise<RegisteredDto> {
    if (Boolean(dto.practiceId) === Boolean(dto.newPractice)) {
      throw badRequest('validation_failed', undefined, {
        errors: [{ field: 'practiceId', message: 'give either practiceId or newPractice (exactly one)' }],
      });
    }
    const npi = dto.npi.trim();
    if (!isValidNpi(npi)) throw invalidNpi();
    const email = dto.email.trim().toLowerCase();
    const firstName = dto.firstName.trim();
    assertStrongPassword(dto.password, { email, firstName: dto.firstName, lastName: dto.lastName });
    const passwordHash = await this.passwords.hash(dto.password);
    const now = this.clock.now();

    try {
      return await inTransaction(this.dataSource, async (manager) => {
        await this.assertFree(manager, email, npi);
        const practiceId = dto.practiceId
          ? await this.existingPractice(manager, dto.practiceId)
          : await this.createPractice(manager, dto.newPractice!, now);
        const userId = await this.accounts.insertPendingProvider(
          { email, passwordHash, firstName, lastName: dto.lastName.trim(), npi, practiceId, now },
          manager,
        );
        const token = await this.tokens.issue(manager, userId, 'verify_email');
        await this.notifications.record(manager, {
          template: 'verify-email',
          to: email,
          data: { firstName, token },
          idempotencyKey: `verify-email:${userId}:${now.getTime()}`,
        });
        await this.audit.record(
          {
            actorId: userId,
            actorKind: 'provider',
            action: 'auth.register',
            outcome: 'success',
            details: { ip, newPractice: Boolean(dto.newPractice) },
          },
          manager,
        );
        return { userId, status: 'pending_email' as const };
      });
    } catch (error) {
      throw conflictFromUniqueViolation(error);
    }
  }

  async verifyEmail(token: string): Promise<EmailVerifiedDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const spent = await this.tokens.consume(manager, token, 'verify_email');
      if (!spent)
        throw badRequest('invalid_token', 'This link is not valid: it has expired or was already used.');
      const now = this.clock.now();
      // Seven days after registering, a registration can no longer be verified, whatever its link's expiry.
      const user = await this.accounts.markEmailVerified(spent.userId, now, unverifiedCutoff(now), manager);
      if (!user)
        throw badRequest('invalid_token', 'This link is not valid: it has expired or was already used.');
      // The team hears of a registration once it can be reviewed (email confirmed).
      await this.notifications.record(manager, {
        template: 'team-new-registration',
        to: this.config.teamEmail,
        data: { firstName: user.firstName, lastName: user.lastName, userId: user.id },
        idempotencyKey: `team-new-registration:${user.id}`,
      });
      await this.audit.record(
        { actorId: user.id, actorKind: 'provider', action: 'auth.verify_email', outcome: 'success' },
        manager,
      );
      return { status: 'pending_approval' as const };
    });
  }

  async createHospitalAccount(staff: AuthUser, dto: HospitalAccountDto): Promise<HospitalAccountCreatedDto> {
    const npi = dto.npi.trim();
    if (!isValidNpi(npi)) throw invalidNpi();
    const email = dto.email.trim().toLowerCase();
    const now = this.clock.now();
    try {
      return await inTransaction(this.dataSource, async (manager) => {
        await this.assertFree(manager, email, npi);
        if (await this.accounts.hospitalIdTaken(dto.hospitalId, manager)) throw hospitalIdTaken();
        const practiceId = await this.existingPractice(manager, dto.practiceId);
        const userId = await this.accounts.insertHospitalProvider(
          {
            email,
            firstName: dto.firstName.trim(),
            lastName: dto.lastName.trim(),
            npi,
            practiceId,
            hospitalId: dto.hospitalId,
            approvedBy: staff.id,
            now,
          },
          manager,
        );
        await this.audit.record(
          {
            actorId: staff.id,
            actorKind: 'staff',
            action: 'staff.hospital_account',
            outcome: 'success',
            details: { userId },
          },
          manager,
        );
        return { userId };
      });
    } catch (error) {
      throw conflictFromUniqueViolation(error);
    }
  }

  /**
   * A fresh verification link for a registration still awaiting its email (earlier links void).
   * The caller learns nothing: the answer is the same for any address; only throttling is visible.
   */
  async resendVerification(emailRaw: string, ip: string): Promise<{ status: 'accepted' }> {
    await this.throttle.ip(ip);
    const email = emailRaw.trim().toLowerCase();
    await this.throttle.account(AUTH_LIMITS.verifyResend, email);
    await inTransaction(this.dataSource, async (manager) => {
      const now = this.clock.now();
      const pending = await this.accounts.findPendingEmail(email, unverifiedCutoff(now), manager);
      if (!pending) return;
      const token = await this.tokens.issue(manager, pending.id, 'verify_email');
      await this.notifications.record(manager, {
        template: 'verify-email',
        to: email,
        data: { firstName: pending.firstName, token },
        idempotencyKey: `verify-email:${pending.id}:${now.getTime()}`,
      });
      await this.audit.record(
        {
          actorId: pending.id,
          actorKind: 'provider',
          action: 'auth.verify_email_resent',
          outcome: 'success',
          details: { ip },
        },
        manager,
      );
    });
    return { status: 'accepted' };
  }

  /** Frees the email and NPI held by registrations left unverified for seven days, then checks both. */
  private async assertFree(manager: EntityManager, email: string, npi: string): Promise<void> {
    const now = this.clock.now();
    const released = await this.administration.releaseStaleRegistrations(
      email,
      npi,
      unverifiedCutoff(now),
      now,
      manager,
    );
    for (const id of released) {
      await this.tokens.voidAll(manager, id);
      await this.audit.record(
        {
          actorId: null,
          actorKind: 'system',
          action: 'auth.registration_released',
          outcome: 'success',
          details: { userId: id },
        },
        manager,
      );
    }
    const taken = await this.accounts.takenKeys(email, npi, manager);
    if (taken.npi) throw npiTaken();
    if (taken.email) throw emailTaken();
  }

  private async existingPractice(manager: EntityManager, practiceId: string): Promise<string> {
    if (!(await this.practices.exists(practiceId, manager))) {
      throw badRequest(
        'unknown_practice',
        'No practice has this id; search GET /practices or give newPractice.',
      );
    }
    return practiceId;
  }

  private createPractice(manager: EntityManager, p: NewPracticeDto, now: Date): Promise<string> {
    return this.practices.insert(
      {
        name: p.name.trim(),
        address: p.address.trim(),
        city: p.city?.trim() ?? cityFromAddress(p.address),
        phone: p.phone.trim(),
        fax: p.fax.trim(),
        createdAt: now,
      },
      manager,
    );
  }
}
