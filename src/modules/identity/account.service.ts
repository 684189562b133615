import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { AuthUser } from '../../common/auth/principal.js';
import { sha256Hex } from '../../common/crypto/tokens.js';
import { badRequest, conflict, forbidden, notFound } from '../../common/errors/problem.js';
import { BusinessCalendar } from '../../common/time/business-calendar.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { ActionTokensService } from './action-tokens.service.js';
import { AUTH_LIMITS, AuthThrottle } from './auth-throttle.service.js';
import { SessionService } from './auth/session.service.js';
import type { ListDto, PracticeChangeRequestDto, SupportRequestDto } from './dto/auth.dto.js';
import { conflictFromUniqueViolation } from './registration.service.js';
import { cursorAtSql, decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { PasswordService } from './password.service.js';
import { updateReturning } from './sql.js';
import { loadUserView, type UserView } from './user-view.js';

export const MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024;
export const SUPPORT_DUE_BUSINESS_DAYS = 2;

/**
 * Standard base64 (padding optional). A loop, not a regular expression: V8's regex engine can
 * overflow its stack on a multi-megabyte input, which would turn a bad upload into a 500.
 */
export function isBase64(value: string): boolean {
  let end = value.length;
  if (end > 0 && value.charCodeAt(end - 1) === 61) end--; // '='
  if (end > 0 && value.charCodeAt(end - 1) === 61) end--;
  if (end === 0) return false;
  for (let i = 0; i < end; i++) {
    const c = value.charCodeAt(i);
    const ok =
      (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 /* + */ || c === 47; /* / */
    if (!ok) return false;
  }
  return true;
}

/** Decodes a base64 PNG/JPEG screenshot (a `data:` URL prefix is accepted) and checks its magic bytes. */
export function decodeScreenshot(input: string): { bytes: Buffer; type: 'image/png' | 'image/jpeg' } {
  const match = /^data:image\/(png|jpeg|jpg);base64,/i.exec(input);
  const base64 = (match ? input.slice(match[0].length) : input).replace(/\s+/g, '');
  if (!isBase64(base64) || base64.length % 4 === 1) {
    throw badRequest('invalid_screenshot', 'The screenshot must be a base64-encoded PNG or JPEG image.');
  }
  if (Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0) > MAX_SCREENSHOT_BYTES) {
    throw badRequest('screenshot_too_large', 'The screenshot must be at most 5 MiB.');
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > MAX_SCREENSHOT_BYTES) throw badRequest('screenshot_too_large', 'The screenshot must be at most 5 MiB.');
  const png = bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpeg) throw badRequest('invalid_screenshot', 'The screenshot must be a PNG or JPEG image.');
  return { bytes, type: png ? 'image/png' : 'image/jpeg' };
}

/** The signed-in user's own account: profile, email change, practice change, help requests; staff unlocks and queues. */
@Injectable()
export class AccountService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly passwords: PasswordService,
    private readonly tokens: ActionTokensService,
    private readonly sessions: SessionService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly throttle: AuthThrottle,
    private readonly calendar: BusinessCalendar,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async me(user: AuthUser): Promise<Omit<UserView, 'hospitalCredentialed'> & { hospitalCredentialed: boolean }> {
    const view = await loadUserView(this.dataSource.manager, user.id, this.clock.now());
    if (!view) throw notFound();
    return view;
  }

  async requestEmailChange(user: AuthUser, newEmailRaw: string, password: string): Promise<void> {
    if (user.kind !== 'provider' || !user.npi || user.hospitalId) {
      throw forbidden(
        'email_change_not_allowed',
        user.kind === 'sponsored'
          ? 'Your sponsor changes the email of your account: ask them to create a new account with the new address.'
          : user.hospitalId
            ? 'Hospital-credentialed accounts change their email through the hospital.'
            : 'Only providers with an NPI change their own email; contact the MyPatients team.',
      );
    }
    await this.throttle.account(AUTH_LIMITS.emailChange, user.id);
    const newEmail = newEmailRaw.trim().toLowerCase();
    const [row] = await this.dataSource.query('SELECT password_hash, first_name, email FROM users WHERE id = $1', [user.id]);
    if (!(await this.passwords.verify(row?.password_hash ?? null, password))) {
      await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'auth.email_change_requested', outcome: 'failure', details: { reason: 'wrong_password' } });
      throw badRequest('invalid_password', 'The password is not correct.');
    }
    if (newEmail === row.email) throw badRequest('same_email', 'This is already the email address of your account.');
    await this.dataSource.transaction(async (manager) => {
      const taken = await manager.query('SELECT 1 FROM users WHERE email = $1', [newEmail]);
      if (taken.length) throw conflict('email_taken', 'An account already exists for this email address.');
      const token = await this.tokens.issue(manager, user.id, 'confirm_email', { newEmail });
      await this.notifications.record(manager, {
        template: 'email-change-confirm',
        to: newEmail,
        data: { firstName: row.first_name, token },
        idempotencyKey: `email-change-confirm:${sha256Hex(token)}`,
      });
      await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'auth.email_change_requested', outcome: 'success' }, manager);
    });
  }

  async confirmEmailChange(user: AuthUser, token: string): Promise<{ email: string }> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const spent = await this.tokens.consume(manager, token, 'confirm_email');
        const newEmail = spent?.payload?.newEmail;
        // Rolled back (token unspent) when it is another account's link.
        if (!spent || spent.userId !== user.id || typeof newEmail !== 'string') {
          throw badRequest('invalid_token', 'This link is not valid: it has expired, was already used, or belongs to another account.');
        }
        const [old] = await manager.query('SELECT email, first_name FROM users WHERE id = $1 FOR UPDATE', [user.id]);
        const now = this.clock.now();
        await manager.query('UPDATE users SET email = $2, email_verified_at = $3, updated_at = $3 WHERE id = $1', [user.id, newEmail, now]);
        await this.sessions.revokeAll(manager, user.id, 'email_change', user.sessionId);
        await this.notifications.record(manager, {
          template: 'email-changed-notice',
          to: old.email,
          data: { firstName: old.first_name, newEmail },
          idempotencyKey: `email-changed-notice:${spent.id}`,
        });
        await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'auth.email_change', outcome: 'success' }, manager);
        return { email: newEmail };
      });
    } catch (error) {
      throw conflictFromUniqueViolation(error);
    }
  }

  async createPracticeChangeRequest(user: AuthUser, dto: PracticeChangeRequestDto): Promise<{ id: string }> {
    return this.dataSource.transaction(async (manager) => {
      const view = (await loadUserView(manager, user.id, this.clock.now()))!;
      const now = this.clock.now();
      const [row] = await manager.query(
        `INSERT INTO practice_change_requests (user_id, old_practice_id, new_practice_name, address, phone, fax, email, was_sponsor, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9) RETURNING id`,
        [user.id, view.practice?.id ?? null, dto.newPracticeName.trim(), dto.address.trim(), dto.phone.trim(), dto.fax.trim(), dto.email?.trim().toLowerCase() ?? null, dto.wasSponsor, now],
      );
      await this.notifications.record(manager, {
        template: 'team-practice-change',
        to: this.config.teamEmail,
        data: {
          requestId: row.id,
          firstName: view.firstName,
          lastName: view.lastName,
          loginEmail: view.email,
          oldPracticeName: view.practice?.name ?? '(none)',
          newPracticeName: dto.newPracticeName.trim(),
          address: dto.address.trim(),
          phone: dto.phone.trim(),
          fax: dto.fax.trim(),
          newEmail: dto.email?.trim().toLowerCase() ?? '',
          wasSponsor: dto.wasSponsor,
        },
        idempotencyKey: `team-practice-change:${row.id}`,
      });
      await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'account.practice_change_request', outcome: 'success', details: { requestId: row.id } }, manager);
      return { id: row.id as string };
    });
  }

  async createSupportRequest(user: AuthUser, dto: SupportRequestDto): Promise<{ id: string; dueAt: string }> {
    const screenshot = dto.screenshot ? decodeScreenshot(dto.screenshot) : null;
    const description = dto.description.trim();
    if (!description) throw badRequest('validation_failed', 'The request is not valid.', { errors: [{ field: 'description', message: 'description should not be empty' }] });
    await this.throttle.account(AUTH_LIMITS.supportUser, user.id);
    const now = this.clock.now();
    const dueAt = this.calendar.addBusinessDays(now, SUPPORT_DUE_BUSINESS_DAYS);
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(
        `INSERT INTO support_requests (user_id, login_email, name, description, screenshot, screenshot_type, due_at, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id`,
        [user.id, user.email, `${user.firstName} ${user.lastName}`, description, screenshot?.bytes ?? null, screenshot?.type ?? null, dueAt, now],
      );
      // The description may hold anything the user typed: the email only points to the staff queue.
      await this.notifications.record(manager, {
        template: 'team-support-request',
        to: this.config.teamEmail,
        data: { requestId: row.id, firstName: user.firstName, lastName: user.lastName, loginEmail: user.email, dueAt: dueAt.toISOString(), hasScreenshot: Boolean(screenshot) },
        idempotencyKey: `team-support-request:${row.id}`,
      });
      await this.audit.record({ actorId: user.id, actorKind: user.kind, action: 'account.support_request', outcome: 'success', details: { requestId: row.id } }, manager);
      return { id: row.id as string, dueAt: dueAt.toISOString() };
    });
  }

  async searchPractices(q: string | undefined, limit = 20) {
    const term = (q ?? '').trim().toLowerCase();
    if (term.length < 2) throw badRequest('validation_failed', 'The request is not valid.', { errors: [{ field: 'q', message: 'q must be at least 2 characters' }] });
    const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows: Array<{ id: string; name: string; city: string | null }> = await this.dataSource.query(
      `SELECT id, name, city FROM practices WHERE search_name LIKE $1 ORDER BY (search_name LIKE $2) DESC, name, id LIMIT $3`,
      [like, `${like.slice(1)}`, limit],
    );
    return { items: rows.map((r) => ({ id: r.id, name: r.name, city: r.city })), nextCursor: null };
  }

  async listPracticeChangeRequests(query: ListDto) {
    const limit = pageLimit(query.limit);
    const cursor = decodeCursor(query.cursor, ['instant', 'uuid']);
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT r.*, u.email AS login_email, u.first_name, u.last_name, u.npi, u.kind, p.name AS old_practice_name,
              ${cursorAtSql('r.created_at')} AS cursor_at
         FROM practice_change_requests r JOIN users u ON u.id = r.user_id LEFT JOIN practices p ON p.id = r.old_practice_id
        WHERE ($1::timestamptz IS NULL OR (r.created_at, r.id) < ($1::timestamptz, $2::uuid))
        ORDER BY r.created_at DESC, r.id DESC LIMIT $3`,
      [cursor?.[0] ?? null, cursor?.[1] ?? null, limit + 1],
    );
    const { items, nextCursor } = toPage(rows, limit, (r) => [r.cursor_at as string, r.id as string]);
    return {
      items: items.map((r) => ({
        id: r.id,
        status: r.status,
        createdAt: r.created_at,
        user: { id: r.user_id, email: r.login_email, firstName: r.first_name, lastName: r.last_name, npi: r.npi, kind: r.kind },
        oldPractice: r.old_practice_id ? { id: r.old_practice_id, name: r.old_practice_name } : null,
        newPracticeName: r.new_practice_name,
        address: r.address,
        phone: r.phone,
        fax: r.fax,
        email: r.email,
        wasSponsor: r.was_sponsor,
      })),
      nextCursor,
    };
  }

  async listSupportRequests(query: ListDto) {
    const limit = pageLimit(query.limit);
    const cursor = decodeCursor(query.cursor, ['instant', 'uuid']);
    const now = this.clock.now();
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT id, user_id, login_email, name, description, screenshot_type, due_at, status, created_at,
              ${cursorAtSql('created_at')} AS cursor_at
         FROM support_requests
        WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [cursor?.[0] ?? null, cursor?.[1] ?? null, limit + 1],
    );
    const { items, nextCursor } = toPage(rows, limit, (r) => [r.cursor_at as string, r.id as string]);
    return {
      items: items.map((r) => ({
        id: r.id,
        userId: r.user_id,
        loginEmail: r.login_email,
        name: r.name,
        description: r.description,
        hasScreenshot: r.screenshot_type !== null,
        screenshotUrl: r.screenshot_type !== null ? `/api/v1/staff/support-requests/${r.id as string}/screenshot` : null,
        status: r.status,
        createdAt: r.created_at,
        dueAt: r.due_at,
        overdue: r.status === 'open' && (r.due_at as Date) < now,
      })),
      nextCursor,
    };
  }

  async screenshot(id: string): Promise<{ bytes: Buffer; type: string }> {
    const rows: Array<{ screenshot: Buffer | null; screenshot_type: string | null }> = await this.dataSource.query(
      'SELECT screenshot, screenshot_type FROM support_requests WHERE id = $1',
      [id],
    );
    const row = rows[0];
    if (!row?.screenshot || !row.screenshot_type) throw notFound('This support request has no screenshot.');
    return { bytes: row.screenshot, type: row.screenshot_type };
  }

  /** Staff unlock of a failed-sign-in or staff lock (a validation lock ends when the sponsor completes validation). */
  async unlock(staff: AuthUser, userId: string): Promise<{ status: 'active' }> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ id: string; kind: string; email: string; first_name: string; status: string; lock_reason: string | null }> = await manager.query(
        'SELECT id, kind, email, first_name, status, lock_reason FROM users WHERE id = $1 FOR UPDATE',
        [userId],
      );
      const user = rows[0];
      if (!user) throw notFound('No account has this id.');
      if (user.status !== 'locked') throw conflict('not_locked', `This account is ${user.status}, not locked.`, { currentStatus: user.status });
      if (user.lock_reason === 'validation_overdue') {
        throw conflict('validation_lock', 'This account is locked until its sponsor completes the overdue validation.');
      }
      const now = this.clock.now();
      await updateReturning(
        manager,
        `UPDATE users SET status = 'active', lock_reason = NULL, locked_until = NULL, failed_login_count = 0, updated_at = $2 WHERE id = $1 RETURNING id`,
        [user.id, now],
      );
      await this.notifications.record(manager, {
        template: 'account-unlocked',
        to: user.email,
        data: { firstName: user.first_name },
        idempotencyKey: `account-unlocked:${user.id}:${now.getTime()}`,
      });
      await this.audit.record(
        { actorId: staff.id, actorKind: 'staff', action: 'staff.unlock', outcome: 'success', details: { userId: user.id, lockReason: user.lock_reason } },
        manager,
      );
      return { status: 'active' as const };
    });
  }
}
