import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { conflict, forbidden, notFound } from '../../common/errors/problem.js';
import { decodeCursor, type Page, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { isUniqueViolation, inTransaction } from '../../database/sql.js';
import { AuditService } from '../audit/index.js';
import {
  type Account,
  AccountDirectoryService,
  AccountLifecycleService,
  ActionTokensService,
  type SponsoredRole,
  type UserStatus,
} from '../identity/index.js';
import { NotificationsService } from '../notifications/index.js';
import type { SponsoredUserDto } from './dto/sponsorship-responses.dto.js';
import { SponsoredUsersRepository } from './sponsored-users.repository.js';
import { DEACTIVATED, deactivatedNotice } from './sponsored-user.notices.js';

export type SponsoredUserView = SponsoredUserDto;

interface NewSponsoredUser {
  email: string;
  firstName: string;
  lastName: string;
  role: SponsoredRole;
}

/** Enrollment as sponsor and the sponsor's management of their sponsored users. */
@Injectable()
export class SponsorshipService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sponsoredUsers: SponsoredUsersRepository,
    private readonly directory: AccountDirectoryService,
    private readonly lifecycle: AccountLifecycleService,
    private readonly actionTokens: ActionTokensService,
    private readonly notifications: NotificationsService,
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
    await inTransaction(this.dataSource, async (manager) => {
      if (await this.lifecycle.enrollSponsor(manager, caller.id)) {
        await this.audit.record(
          { actorId: caller.id, actorKind: caller.kind, action: 'sponsorship.enroll', outcome: 'success' },
          manager,
        );
      }
    });
    return { isSponsor: true };
  }

  async createSponsoredUser(
    caller: AuthUser,
    input: NewSponsoredUser,
  ): Promise<{ id: string; status: 'invited' }> {
    this.assertSponsor(caller);
    const id = await inTransaction(this.dataSource, async (manager) => {
      const userId = await this.invite(manager, caller, input);
      await this.audit.record(
        {
          actorId: caller.id,
          actorKind: caller.kind,
          action: 'sponsorship.user_create',
          outcome: 'success',
          details: { userId, role: input.role },
        },
        manager,
      );
      return userId;
    }).catch(rethrowEmailTaken);
    return { id, status: 'invited' };
  }

  async list(
    caller: AuthUser,
    query: { limit?: number; cursor?: string; status?: UserStatus },
  ): Promise<Page<SponsoredUserView>> {
    this.assertSponsor(caller);
    const limit = pageLimit(query.limit);
    const after = decodeCursor(query.cursor, ['instant', 'uuid']);
    const found = await this.sponsoredUsers.page(caller.id, {
      status: query.status,
      after: after ?? undefined,
      limit: limit + 1,
    });
    const page = toPage(found, limit, (r) => [r.cursorAt, r.id]);
    return {
      items: page.items.map((u) => ({
        id: u.id,
        email: u.email,
        firstName: u.firstName,
        lastName: u.lastName,
        role: u.role,
        status: u.status,
        lockReason: u.lockReason,
        createdAt: u.createdAt.toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** Deactivates one of the caller's sponsored users, ends their sessions and voids their links. Idempotent. */
  async deactivate(caller: AuthUser, userId: string): Promise<void> {
    this.assertSponsor(caller);
    await inTransaction(this.dataSource, async (manager) => {
      const user = await this.lockOwn(manager, caller, userId);
      if (user.status === 'deactivated') return;
      await this.lifecycle.deactivate(manager, user.id, DEACTIVATED);
      await this.notifications.record(manager, deactivatedNotice(user, false));
      await this.audit.record(
        {
          actorId: caller.id,
          actorKind: caller.kind,
          action: 'sponsorship.user_deactivate',
          outcome: 'success',
          details: { userId },
        },
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
    const id = await inTransaction(this.dataSource, async (manager) => {
      const old = await this.lockOwn(manager, caller, userId);
      if (old.status === 'deactivated') {
        throw conflict(
          'invalid_state',
          'This account is already deactivated; create a new sponsored user instead.',
        );
      }
      if (old.email === newEmail)
        throw conflict('email_taken', 'That is already this account’s email address.');
      await this.lifecycle.deactivate(manager, old.id, DEACTIVATED);
      await this.notifications.record(manager, deactivatedNotice(old, true));
      const newId = await this.invite(manager, caller, {
        email: newEmail,
        firstName: old.firstName,
        lastName: old.lastName,
        role: old.sponsoredRole as SponsoredRole,
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
    }).catch(rethrowEmailTaken);
    return { id };
  }

  private assertSponsor(caller: AuthUser): void {
    if (caller.kind !== 'provider' || !caller.isSponsor) {
      throw forbidden('not_a_sponsor', 'Enroll as a sponsor first (POST /sponsorship/enroll).');
    }
  }

  private async lockOwn(manager: EntityManager, caller: AuthUser, userId: string): Promise<Account> {
    const user = await this.directory.findSponsoredUserForUpdate(caller.id, userId, manager);
    if (!user) throw notFound('No sponsored user of yours has this id.');
    return user;
  }

  /** Creates the invited account in the caller's practice and records its activation email. */
  private async invite(manager: EntityManager, sponsor: AuthUser, input: NewSponsoredUser): Promise<string> {
    const { id } = await this.lifecycle.inviteSponsoredUser(manager, {
      sponsorId: sponsor.id,
      practiceId: sponsor.practiceId,
      email: input.email,
      firstName: input.firstName,
      lastName: input.lastName,
      role: input.role,
    });
    const token = await this.actionTokens.issue(manager, id, 'activate');
    await this.notifications.record(manager, {
      template: 'sponsored-user-activation',
      to: input.email,
      data: {
        firstName: input.firstName,
        lastName: input.lastName,
        sponsorName: `${sponsor.firstName} ${sponsor.lastName}`,
        token,
      },
      idempotencyKey: `sponsored-user-activation:${id}`,
    });
    return id;
  }
}

/** Two invitations racing for one address: the loser's insert hits the unique index. */
function rethrowEmailTaken(error: unknown): never {
  if (isUniqueViolation(error)) throw conflict('email_taken', 'An account with this email already exists.');
  throw error;
}
