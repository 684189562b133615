import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, conflict, notFound } from '../../common/errors/problem.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { ActionTokensService } from './action-tokens.service.js';
import type { HospitalAccountDto, ListRegistrationsDto, NewPracticeDto, RegisterDto } from './dto/auth.dto.js';
import { isValidNpi } from '../../common/validation/npi.js';
import { cursorAtSql, decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { PasswordService } from './password.service.js';
import { assertStrongPassword } from './password-policy.js';
import { updateReturning } from './sql.js';

const invalidNpi = () =>
  badRequest('invalid_npi', 'The NPI is not valid: it must be 10 digits with a correct check digit (see the NPPES registry).');

/** Maps a unique violation on `users` to the contract's conflict codes. */
export function conflictFromUniqueViolation(error: unknown): Error {
  if (error instanceof QueryFailedError && (error as QueryFailedError & { code?: string }).code === '23505') {
    const constraint = (error as QueryFailedError & { constraint?: string }).constraint ?? '';
    if (constraint.includes('npi')) return conflict('npi_taken', 'An account already exists for this NPI.');
    if (constraint.includes('email')) return conflict('email_taken', 'An account already exists for this email address.');
    if (constraint.includes('hospital_id')) return conflict('hospital_id_taken', 'An account already exists for this hospital identity.');
  }
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
  if (/^[A-Za-z]{2}\.?\s*\d{5}(-\d{4})?$/.test(last) || /^[A-Za-z]{2}$/.test(last) || /^\d{5}(-\d{4})?$/.test(last)) {
    return parts.length >= 3 ? parts[parts.length - 2].slice(0, 100) : null;
  }
  return last.replace(/\s+[A-Za-z]{2}\s+\d{5}(-\d{4})?$/, '').slice(0, 100) || null;
}

/** Provider registration (email → verify → staff approval) and staff-created hospital accounts. */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly passwords: PasswordService,
    private readonly tokens: ActionTokensService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(dto: RegisterDto, ip: string): Promise<{ userId: string; status: 'pending_email' }> {
    if (Boolean(dto.practiceId) === Boolean(dto.newPractice)) {
      throw badRequest('validation_failed', 'The request is not valid.', {
        errors: [{ field: 'practiceId', message: 'give either practiceId or newPractice (exactly one)' }],
      });
    }
    const npi = dto.npi.trim();
    if (!isValidNpi(npi)) throw invalidNpi();
    const email = dto.email.trim().toLowerCase();
    assertStrongPassword(dto.password, { email, firstName: dto.firstName, lastName: dto.lastName });
    const passwordHash = await this.passwords.hash(dto.password);
    const now = this.clock.now();

    try {
      return await this.dataSource.transaction(async (manager) => {
        await this.assertFree(manager, email, npi);
        const practiceId = dto.practiceId ? await this.existingPractice(manager, dto.practiceId) : await this.createPractice(manager, dto.newPractice!, now);
        const [user] = await manager.query(
          `INSERT INTO users (kind, email, password_hash, first_name, last_name, npi, practice_id, status, created_at, updated_at)
           VALUES ('provider', $1, $2, $3, $4, $5, $6, 'pending_email', $7, $7) RETURNING id`,
          [email, passwordHash, dto.firstName.trim(), dto.lastName.trim(), npi, practiceId, now],
        );
        const token = await this.tokens.issue(manager, user.id, 'verify_email');
        await this.notifications.record(manager, {
          template: 'verify-email',
          to: email,
          data: { firstName: dto.firstName.trim(), token },
          idempotencyKey: `verify-email:${user.id}:${now.getTime()}`,
        });
        await this.audit.record(
          { actorId: user.id, actorKind: 'provider', action: 'auth.register', outcome: 'success', details: { ip, newPractice: Boolean(dto.newPractice) } },
          manager,
        );
        return { userId: user.id as string, status: 'pending_email' as const };
      });
    } catch (error) {
      throw conflictFromUniqueViolation(error);
    }
  }

  async verifyEmail(token: string): Promise<{ status: 'pending_approval' }> {
    return this.dataSource.transaction(async (manager) => {
      const spent = await this.tokens.consume(manager, token, 'verify_email');
      if (!spent) throw badRequest('invalid_token', 'This link is not valid: it has expired or was already used.');
      const now = this.clock.now();
      const [user] = await updateReturning<{ id: string; first_name: string; last_name: string }>(
        manager,
        `UPDATE users SET status = 'pending_approval', email_verified_at = $2, updated_at = $2
          WHERE id = $1 AND status = 'pending_email' RETURNING id, first_name, last_name`,
        [spent.userId, now],
      );
      if (!user) throw badRequest('invalid_token', 'This link is not valid: it has expired or was already used.');
      // The team hears of a registration once it can be reviewed (email confirmed).
      await this.notifications.record(manager, {
        template: 'team-new-registration',
        to: this.config.teamEmail,
        data: { firstName: user.first_name, lastName: user.last_name, userId: user.id },
        idempotencyKey: `team-new-registration:${user.id}`,
      });
      await this.audit.record({ actorId: user.id, actorKind: 'provider', action: 'auth.verify_email', outcome: 'success' }, manager);
      return { status: 'pending_approval' as const };
    });
  }

  async list(query: ListRegistrationsDto) {
    const status = query.status ?? 'pending_approval';
    const limit = pageLimit(query.limit);
    const cursor = decodeCursor(query.cursor, ['instant', 'uuid']);
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT u.id, u.email, u.first_name, u.last_name, u.npi, u.status, u.created_at, u.email_verified_at, u.approved_at,
              u.rejection_reason, p.id AS practice_id, p.name AS practice_name, p.address, p.city, p.phone, p.fax,
              (SELECT count(*)::int FROM users o WHERE o.practice_id = p.id AND o.id <> u.id AND o.status = 'active') AS practice_active_members,
              ${cursorAtSql('u.created_at')} AS cursor_at
         FROM users u LEFT JOIN practices p ON p.id = u.practice_id
        WHERE u.kind = 'provider' AND u.hospital_id IS NULL AND u.status = $1
          AND ($2::timestamptz IS NULL OR (u.created_at, u.id) < ($2::timestamptz, $3::uuid))
        ORDER BY u.created_at DESC, u.id DESC
        LIMIT $4`,
      [status, cursor?.[0] ?? null, cursor?.[1] ?? null, limit + 1],
    );
    const { items, nextCursor } = toPage(rows, limit, (r) => [r.cursor_at as string, r.id as string]);
    return {
      items: items.map((r) => ({
        userId: r.id,
        email: r.email,
        firstName: r.first_name,
        lastName: r.last_name,
        npi: r.npi,
        status: r.status,
        createdAt: r.created_at,
        emailVerifiedAt: r.email_verified_at,
        approvedAt: r.approved_at,
        rejectionReason: r.rejection_reason,
        practice: r.practice_id
          ? {
              id: r.practice_id,
              name: r.practice_name,
              address: r.address,
              city: r.city,
              phone: r.phone,
              fax: r.fax,
              activeMembers: r.practice_active_members,
            }
          : null,
      })),
      nextCursor,
    };
  }

  async approve(staff: AuthUser, userId: string): Promise<{ status: 'active' }> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.pendingRegistration(manager, userId);
      const now = this.clock.now();
      await manager.query(`UPDATE users SET status = 'active', approved_at = $2, approved_by = $3, updated_at = $2 WHERE id = $1`, [user.id, now, staff.id]);
      await this.notifications.record(manager, {
        template: 'registration-approved',
        to: user.email,
        data: { firstName: user.first_name },
        idempotencyKey: `registration-approved:${user.id}`,
      });
      await this.audit.record({ actorId: staff.id, actorKind: 'staff', action: 'staff.approve', outcome: 'success', details: { userId: user.id } }, manager);
      return { status: 'active' as const };
    });
  }

  async reject(staff: AuthUser, userId: string, reason: string): Promise<{ status: 'rejected' }> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.pendingRegistration(manager, userId, true);
      const now = this.clock.now();
      await manager.query(`UPDATE users SET status = 'rejected', rejection_reason = $2, approved_by = $3, updated_at = $4 WHERE id = $1`, [
        user.id,
        reason.trim(),
        staff.id,
        now,
      ]);
      await this.sessionsGone(manager, user.id);
      await this.notifications.record(manager, {
        template: 'registration-rejected',
        to: user.email,
        data: { firstName: user.first_name, reason: reason.trim() },
        idempotencyKey: `registration-rejected:${user.id}`,
      });
      await this.audit.record({ actorId: staff.id, actorKind: 'staff', action: 'staff.reject', outcome: 'success', details: { userId: user.id } }, manager);
      return { status: 'rejected' as const };
    });
  }

  async createHospitalAccount(staff: AuthUser, dto: HospitalAccountDto): Promise<{ userId: string }> {
    const npi = dto.npi.trim();
    if (!isValidNpi(npi)) throw invalidNpi();
    const email = dto.email.trim().toLowerCase();
    const now = this.clock.now();
    try {
      return await this.dataSource.transaction(async (manager) => {
        await this.assertFree(manager, email, npi);
        const taken = await manager.query('SELECT 1 FROM users WHERE hospital_id = $1', [dto.hospitalId]);
        if (taken.length) throw conflict('hospital_id_taken', 'An account already exists for this hospital identity.');
        const practiceId = await this.existingPractice(manager, dto.practiceId);
        const [user] = await manager.query(
          `INSERT INTO users (kind, email, password_hash, first_name, last_name, npi, practice_id, hospital_id, status,
                              email_verified_at, approved_at, approved_by, created_at, updated_at)
           VALUES ('provider', $1, NULL, $2, $3, $4, $5, $6, 'active', $7, $7, $8, $7, $7) RETURNING id`,
          [email, dto.firstName.trim(), dto.lastName.trim(), npi, practiceId, dto.hospitalId, now, staff.id],
        );
        await this.audit.record(
          { actorId: staff.id, actorKind: 'staff', action: 'staff.hospital_account', outcome: 'success', details: { userId: user.id } },
          manager,
        );
        return { userId: user.id as string };
      });
    } catch (error) {
      throw conflictFromUniqueViolation(error);
    }
  }

  private async assertFree(manager: EntityManager, email: string, npi: string): Promise<void> {
    const rows: Array<{ email: string; npi: string | null }> = await manager.query('SELECT email, npi FROM users WHERE email = $1 OR npi = $2', [email, npi]);
    if (rows.some((r) => r.npi === npi)) throw conflict('npi_taken', 'An account already exists for this NPI.');
    if (rows.some((r) => r.email === email)) throw conflict('email_taken', 'An account already exists for this email address.');
  }

  private async existingPractice(manager: EntityManager, practiceId: string): Promise<string> {
    const rows = await manager.query('SELECT id FROM practices WHERE id = $1', [practiceId]);
    if (!rows.length) throw badRequest('unknown_practice', 'No practice has this id; search GET /practices or give newPractice.');
    return practiceId;
  }

  private async createPractice(manager: EntityManager, p: NewPracticeDto, now: Date): Promise<string> {
    const name = p.name.trim();
    const [row] = await manager.query(
      `INSERT INTO practices (name, search_name, address, city, phone, fax, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [name, name.toLowerCase(), p.address.trim(), p.city?.trim() ?? cityFromAddress(p.address), p.phone.trim(), p.fax.trim(), now],
    );
    return row.id as string;
  }

  private async pendingRegistration(manager: EntityManager, userId: string, allowPendingEmail = false) {
    const rows: Array<{ id: string; email: string; first_name: string; status: string; kind: string; hospital_id: string | null }> =
      await manager.query('SELECT id, email, first_name, status, kind, hospital_id FROM users WHERE id = $1 FOR UPDATE', [userId]);
    const user = rows[0];
    if (!user || user.kind !== 'provider' || user.hospital_id) throw notFound('No registration has this id.');
    const allowed = allowPendingEmail ? ['pending_approval', 'pending_email'] : ['pending_approval'];
    if (!allowed.includes(user.status)) {
      throw conflict('invalid_state', `This registration is ${user.status}, not awaiting approval.`, { currentStatus: user.status });
    }
    return user;
  }

  private async sessionsGone(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE sessions SET revoked_at = $2, revoke_reason = 'rejected' WHERE user_id = $1 AND revoked_at IS NULL`, [userId, this.clock.now()]);
  }
}
