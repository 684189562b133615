import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, forbidden, notFound } from '../../common/errors/problem.js';
import { cursorAtSql, decodeCursor, type Page, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { ActionTokensService } from '../identity/action-tokens.service.js';
import { SessionService } from '../identity/auth/session.service.js';
import type { SponsoredRole, UserStatus } from '../identity/entities/user.entity.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { returning } from './sql.js';

export interface SponsoredUserView {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: SponsoredRole;
  status: UserStatus;
  lockReason: string | null;
  createdAt: string;
}

interface SponsoredRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  sponsored_role: SponsoredRole;
  status: UserStatus;
  lock_reason: string | null;
  created_at: Date;
}

const UNIQUE_VIOLATION = '23505';

/** Enrollment as sponsor and the sponsor's management of their sponsored users. */
@Injectable()
export class SponsorshipService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly actionTokens: ActionTokensService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  /** Providers with an NPI, a practice and a local account (not hospital-credentialed) may sponsor. */
  async enroll(caller: AuthUser): Promise<{ isSponsor: true }> {
    if (caller.kind !== 'provider' || !caller.npi || caller.hospitalId || !caller.practiceId) {
      throw forbidden(
        'not_eligible',
        'Only providers with an NPI and a local MyPatients account can sponsor (hospital credentials cannot).',
      );
    }
    await this.dataSource.transaction(async (manager) => {
      const rows = await returning(
        manager,
        `UPDATE users SET is_sponsor = true, updated_at = $2 WHERE id = $1 AND NOT is_sponsor RETURNING id`,
        [caller.id, this.clock.now()],
      );
      if (rows.length) {
        await this.audit.record({ actorId: caller.id, actorKind: caller.kind, action: 'sponsorship.enroll', outcome: 'success' }, manager);
      }
    });
    return { isSponsor: true };
  }

  async createSponsoredUser(
    caller: AuthUser,
    input: { email: string; firstName: string; lastName: string; role: SponsoredRole },
  ): Promise<{ id: string; status: 'invited' }> {
    this.assertSponsor(caller);
    const id = await this.dataSource
      .transaction(async (manager) => {
        const userId = await this.invite(manager, caller, input);
        await this.audit.record(
          { actorId: caller.id, actorKind: caller.kind, action: 'sponsorship.user_create', outcome: 'success', details: { userId, role: input.role } },
          manager,
        );
        return userId;
      })
      .catch(rethrowEmailTaken);
    return { id, status: 'invited' };
  }

  async list(caller: AuthUser, query: { limit?: number; cursor?: string; status?: UserStatus }): Promise<Page<SponsoredUserView>> {
    this.assertSponsor(caller);
    const limit = pageLimit(query.limit);
    const after = decodeCursor(query.cursor, ['instant', 'uuid']);
    const rows: Array<SponsoredRow & { cursor_at: string }> = await this.dataSource.query(
      `SELECT id, email, first_name, last_name, sponsored_role, status, lock_reason, created_at,
              ${cursorAtSql('created_at')} AS cursor_at
         FROM users
        WHERE sponsor_id = $1 AND kind = 'sponsored'
          AND ($2::varchar IS NULL OR status = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC
        LIMIT $5`,
      [caller.id, query.status ?? null, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = toPage(rows, limit, (r) => [r.cursor_at, r.id]);
    return { items: page.items.map(toView), nextCursor: page.nextCursor };
  }

  /** Deactivates one of the caller's sponsored users and ends their sessions. Idempotent. */
  async deactivate(caller: AuthUser, userId: string): Promise<void> {
    this.assertSponsor(caller);
    await this.dataSource.transaction(async (manager) => {
      const user = await this.lockOwn(manager, caller, userId);
      if (user.status === 'deactivated') return;
      await this.deactivateUser(manager, user, { replaced: false });
      await this.audit.record(
        { actorId: caller.id, actorKind: caller.kind, action: 'sponsorship.user_deactivate', outcome: 'success', details: { userId } },
        manager,
      );
    });
  }

  /**
   * A sponsored user cannot change their own email: the sponsor creates a new invited account with
   * the new address (same name and role) and the old account is deactivated.
   */
  async replaceEmail(caller: AuthUser, userId: string, newEmail: string): Promise<{ id: string }> {
    this.assertSponsor(caller);
    const id = await this.dataSource
      .transaction(async (manager) => {
        const old = await this.lockOwn(manager, caller, userId);
        if (old.status === 'deactivated') {
          throw conflict('invalid_state', 'This account is already deactivated; create a new sponsored user instead.');
        }
        if (old.email === newEmail) throw conflict('email_taken', 'That is already this account’s email address.');
        await this.deactivateUser(manager, old, { replaced: true });
        const newId = await this.invite(manager, caller, {
          email: newEmail,
          firstName: old.first_name,
          lastName: old.last_name,
          role: old.sponsored_role,
        });
        await this.audit.record(
          {
            actorId: caller.id,
            actorKind: caller.kind,
            action: 'sponsorship.user_replace_email',
            outcome: 'success',
            details: { oldUserId: old.id, newUserId: newId },
          },
          manager,
        );
        return newId;
      })
      .catch(rethrowEmailTaken);
    return { id };
  }

  private assertSponsor(caller: AuthUser): void {
    if (caller.kind !== 'provider' || !caller.isSponsor) {
      throw forbidden('not_a_sponsor', 'Enroll as a sponsor first (POST /sponsorship/enroll).');
    }
  }

  private async lockOwn(manager: EntityManager, caller: AuthUser, userId: string): Promise<SponsoredRow> {
    const rows: SponsoredRow[] = await manager.query(
      `SELECT id, email, first_name, last_name, sponsored_role, status, lock_reason, created_at,
              ${cursorAtSql('created_at')} AS cursor_at
         FROM users WHERE id = $1 AND sponsor_id = $2 AND kind = 'sponsored' FOR UPDATE`,
      [userId, caller.id],
    );
    if (!rows[0]) throw notFound('No sponsored user of yours has this id.');
    return rows[0];
  }

  /** Creates the invited account in the caller's practice and records its activation email. */
  private async invite(
    manager: EntityManager,
    sponsor: AuthUser,
    input: { email: string; firstName: string; lastName: string; role: SponsoredRole },
  ): Promise<string> {
    const now = this.clock.now();
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO users (kind, email, first_name, last_name, practice_id, sponsor_id, sponsored_role, status, created_at, updated_at)
       VALUES ('sponsored', $1, $2, $3, $4, $5, $6, 'invited', $7, $7)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [input.email, input.firstName, input.lastName, sponsor.practiceId, sponsor.id, input.role, now],
    );
    if (!rows[0]) throw conflict('email_taken', 'An account with this email already exists.');
    const userId = rows[0].id;
    const token = await this.actionTokens.issue(manager, userId, 'activate');
    await this.notifications.record(manager, {
      template: 'sponsored-user-activation',
      to: input.email,
      data: {
        firstName: input.firstName,
        lastName: input.lastName,
        sponsorName: `${sponsor.firstName} ${sponsor.lastName}`,
        token,
      },
      idempotencyKey: `sponsored-user-activation:${userId}`,
    });
    return userId;
  }

  private async deactivateUser(manager: EntityManager, user: SponsoredRow, options: { replaced: boolean }): Promise<void> {
    const now = this.clock.now();
    await manager.query(
      `UPDATE users SET status = 'deactivated', lock_reason = NULL, locked_until = NULL, updated_at = $2 WHERE id = $1`,
      [user.id, now],
    );
    // An unused activation link of an invited account stops working too.
    await manager.query(`UPDATE action_tokens SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, [user.id, now]);
    await this.sessions.revokeAll(manager, user.id, 'deactivated');
    await this.notifications.record(manager, {
      template: 'sponsored-user-deactivated',
      to: user.email,
      data: { firstName: user.first_name, lastName: user.last_name, replaced: options.replaced },
      idempotencyKey: `sponsored-user-deactivated:${user.id}`,
    });
  }
}

function toView(row: SponsoredRow): SponsoredUserView {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.sponsored_role,
    status: row.status,
    lockReason: row.lock_reason,
    createdAt: row.created_at.toISOString(),
  };
}

function rethrowEmailTaken(error: unknown): never {
  if ((error as { code?: string; driverError?: { code?: string } })?.driverError?.code === UNIQUE_VIOLATION) {
    throw conflict('email_taken', 'An account with this email already exists.');
  }
  throw error;
}
