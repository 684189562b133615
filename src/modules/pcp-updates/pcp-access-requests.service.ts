import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound } from '../../common/errors/problem.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { PendingRequestsRegistry } from '../patient-access/index.js';
import type { OwnPcpRequestDto } from './dto/pcp-update-responses.dto.js';
import type { PcpUpdateStatus } from './entities/pcp-update-request.entity.js';
import { PcpRequesterRepository } from './pcp-requester.repository.js';
import { PcpUpdateRequestsRepository } from './pcp-update-requests.repository.js';
import { transition } from './pcp-update.transitions.js';
import { inTransaction } from '../../database/sql.js';

/** The outcome a requester is told: never the team's free text (a rejection reason may name the family). */
const OUTCOMES: Partial<Record<PcpUpdateStatus, 'pcp_set' | 'rejected'>> = {
  completed: 'pcp_set',
  rejected: 'rejected',
};

/**
 * The requester's side of PCP updates: their own requests (`GET /pcp-access-requests`), withdrawing
 * one (`DELETE /pcp-access-requests/:id`), and their active ones for search's `pendingRequests`.
 */
@Injectable()
export class PcpAccessRequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: PcpUpdateRequestsRepository,
    private readonly own: PcpRequesterRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    pending: PendingRequestsRegistry,
  ) {
    pending.register('pcp', (userId, patientIds) => this.own.activeFor(userId, patientIds));
  }

  async list(
    user: AuthUser,
    q: { status?: string; limit?: number; cursor?: string },
  ): Promise<Page<OwnPcpRequestDto>> {
    const limit = pageLimit(q.limit);
    const after = decodeCursor(q.cursor, ['instant', 'uuid']);
    const found = await this.own.listOwn({
      requesterId: user.id,
      statuses: q.status ? [...new Set(q.status.split(','))] : undefined,
      after: after ? { createdAt: after[0], id: after[1] } : undefined,
      take: limit + 1,
    });
    const page = toPage(found, limit, (r) => [r.createdAtCursor, r.id]);
    return {
      items: page.items.map((r) => {
        const outcome = OUTCOMES[r.status];
        return {
          id: r.id,
          patientId: r.patientId,
          status: r.status,
          createdAt: r.createdAt.toISOString(),
          dueAt: r.dueAt.toISOString(),
          ...(outcome ? { outcome } : {}),
        };
      }),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * open or in_progress → withdrawn, by its requester only (anyone else's or unknown: 404). When a
   * team member was working it, the team is told (no patient data) so nobody calls the family.
   */
  async withdraw(user: AuthUser, id: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      const current = await this.requests.lock(id, manager);
      if (!current || current.requesterId !== user.id) throw notFound('No such PCP access request.');
      const step = transition(current, 'withdraw', user.id);
      const now = this.clock.now();
      await this.requests.markWithdrawn(id, now, manager);
      await this.requests.addEvent(
        {
          requestId: id,
          at: now,
          actorId: user.id,
          type: step.event,
          fromStatus: step.from,
          toStatus: step.to,
          details: {},
        },
        manager,
      );
      await this.audit.record(
        {
          actorId: user.id,
          actorKind: user.kind,
          action: step.audit,
          patientId: current.patientId,
          outcome: 'success',
          details: { requestId: id, fromStatus: step.from },
        },
        manager,
      );
      if (current.assigneeId) {
        const assignee = await this.requests.findRequester(current.assigneeId, manager);
        await this.notifications.record(manager, {
          template: 'pcp-update-withdrawn-team',
          to: this.config.teamEmail,
          data: {
            requestId: id,
            assigneeName: assignee ? `${assignee.firstName} ${assignee.lastName}` : 'a team member',
          },
          idempotencyKey: `pcp-update-withdrawn-team:${id}`,
        });
      }
    });
  }
}
