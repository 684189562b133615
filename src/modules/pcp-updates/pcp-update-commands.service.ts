import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, conflict, notFound, type ProblemException } from '../../common/errors/problem.js';
import { BusinessCalendar } from '../../common/time/business-calendar.js';
import { Clock } from '../../common/time/clock.js';
import { HOSPITAL_TIME_ZONE } from '../../common/time/hospital-time.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import type { RecordConfirmationDto } from './dto/pcp-update.dto.js';
import type { PcpUpdateStatus } from './entities/pcp-update-request.entity.js';
import {
  ACCESS_DECIDER,
  PATIENT_DIRECTORY,
  PCP_CHANGE_LEDGER,
  PRACTICE_ROSTER,
  type AccessDecider,
  type PatientDirectory,
  type PcpChangeLedger,
  type PracticeRoster,
} from './patient-access.port.js';
import { PcpRequesterRepository } from './pcp-requester.repository.js';
import { checkActive, npiToApply } from './pcp-requester.policy.js';
import {
  isDuplicateActiveRequest,
  PcpUpdateRequestsRepository,
  type PcpRequester,
  type PcpUpdateRequestState,
} from './pcp-update-requests.repository.js';
import { PcpUpdateQueueService } from './pcp-update-queue.service.js';
import {
  PCP_UPDATE_CREATED,
  transition,
  type PcpUpdateAction,
  type PcpUpdateTransition,
} from './pcp-update.transitions.js';
import { inTransaction } from '../../database/sql.js';

/** Business days from the request to its due date (SPEC: target 2–3 business days). */
export const PCP_UPDATE_BUSINESS_DAYS = 3;
/** Clock skew tolerated when checking that a confirmation is not in the future. */
const CONFIRMATION_SKEW_MS = 2 * 60_000;

export interface TransitionResult {
  id: string;
  status: PcpUpdateStatus;
  assigneeId: string | null;
}

export const formatHospitalDay = (instant: Date) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone: HOSPITAL_TIME_ZONE,
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(instant);

/**
 * The PCP-update commands: a provider (or sponsored user) asks to become a patient's PCP practice;
 * the MyPatients team claims the request, records the family's verbal confirmation and completes it
 * (which sets the patient's PCP, so access follows) or rejects it. Each command locks the request,
 * asks `transition()` (pcp-update.transitions.ts) and applies the outcome in one transaction: the
 * row, a history event, the audit entry and any email.
 */
@Injectable()
export class PcpUpdateCommandsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: PcpUpdateRequestsRepository,
    private readonly queue: PcpUpdateQueueService,
    private readonly clock: Clock,
    private readonly calendar: BusinessCalendar,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ACCESS_DECIDER) private readonly access: AccessDecider,
    @Inject(PATIENT_DIRECTORY) private readonly patients: PatientDirectory,
    @Inject(PCP_CHANGE_LEDGER) private readonly pcpChanges: PcpChangeLedger,
    @Inject(PRACTICE_ROSTER) private readonly roster: PracticeRoster,
    private readonly members: PcpRequesterRepository,
  ) {}

  // ---- requester side -------------------------------------------------------------------------

  async request(user: AuthUser, patientId: string, note: string | undefined) {
    const patient = await this.patients.findById(patientId);
    if (!patient) throw notFound('No such patient.');
    const decision = await this.access.decide(user.id, patientId);
    if (decision.allowed) {
      throw conflict('already_authorized', 'You already have access to this patient.', {
        basis: decision.basis,
      });
    }
    const now = this.clock.now();
    const dueAt = this.calendar.addBusinessDays(now, PCP_UPDATE_BUSINESS_DAYS);
    const created = PCP_UPDATE_CREATED;
    try {
      return await inTransaction(this.dataSource, async (manager) => {
        const { id } = await this.requests.insert(
          { patientId, requesterId: user.id, note: note ? note : null, createdAt: now, dueAt },
          manager,
        );
        await this.addEvent(manager, id, user.id, created.event, null, created.to, {});
        await this.audit.record(
          {
            actorId: user.id,
            actorKind: user.kind,
            action: created.audit,
            patientId,
            outcome: 'success',
            details: { requestId: id, dueAt: dueAt.toISOString() },
          },
          manager,
        );
        const requester = await this.requests.findRequester(user.id, manager);
        await this.notifications.record(manager, {
          template: created.notifyTeam,
          to: this.config.teamEmail,
          data: {
            requestId: id,
            requesterName: `${user.firstName} ${user.lastName}`,
            requesterKind: user.kind === 'sponsored' ? 'sponsored user' : 'provider',
            practiceName: requester?.practiceName ?? 'no practice on file',
            dueDate: formatHospitalDay(dueAt),
            hasNote: Boolean(note),
          },
          idempotencyKey: `${created.notifyTeam}:${id}`,
        });
        return { id, status: created.to, dueAt: dueAt.toISOString() };
      });
    } catch (err) {
      if (isDuplicateActiveRequest(err)) throw await this.pendingConflict(user.id, patientId);
      throw err;
    }
  }

  private async pendingConflict(requesterId: string, patientId: string): Promise<ProblemException> {
    const existing = await this.requests.findActiveId(requesterId, patientId);
    return conflict(
      'request_pending',
      'You already have a PCP access request for this patient in the queue.',
      {
        requestId: existing ?? null,
      },
    );
  }

  // ---- team workflow --------------------------------------------------------------------------

  /** open → in_progress, assigned to the caller. Concurrent claims queue on the row lock: one wins. */
  async claim(staff: AuthUser, id: string): Promise<TransitionResult> {
    return inTransaction(this.dataSource, async (manager) => {
      const { current, step } = await this.begin(manager, staff, id, 'claim');
      if (step.noop) return { id, status: step.to, assigneeId: staff.id }; // already theirs: idempotent
      await this.requests.markClaimed(id, staff.id, this.clock.now(), manager);
      await this.addEvent(manager, id, staff.id, step.event, step.from, step.to, {});
      await this.auditStaff(manager, staff, step, current.patientId, { requestId: id });
      return { id, status: step.to, assigneeId: staff.id };
    });
  }

  /** in_progress → open: the assignee (or a colleague taking over) puts the request back in the queue. */
  async release(staff: AuthUser, id: string): Promise<TransitionResult> {
    return inTransaction(this.dataSource, async (manager) => {
      const { current, step } = await this.begin(manager, staff, id, 'release');
      await this.requests.markReleased(id, this.clock.now(), manager);
      const previousAssigneeId = current.assigneeId;
      await this.addEvent(manager, id, staff.id, step.event, step.from, step.to, { previousAssigneeId });
      await this.auditStaff(manager, staff, step, current.patientId, { requestId: id, previousAssigneeId });
      return { id, status: step.to, assigneeId: null };
    });
  }

  /** Records (or corrects) the family's verbal confirmation on a request the caller is working. */
  async recordConfirmation(staff: AuthUser, id: string, dto: RecordConfirmationDto) {
    const confirmedAt = new Date(dto.confirmedAt);
    await inTransaction(this.dataSource, async (manager) => {
      const { current, step } = await this.begin(manager, staff, id, 'confirm');
      const now = this.clock.now();
      if (confirmedAt.getTime() > now.getTime() + CONFIRMATION_SKEW_MS) {
        throw badRequest('validation_failed', 'The request is not valid.', {
          errors: [{ field: 'confirmedAt', message: 'confirmedAt must not be in the future' }],
        });
      }
      if (confirmedAt.getTime() < new Date(current.createdAt).getTime()) {
        throw badRequest('validation_failed', 'The request is not valid.', {
          errors: [{ field: 'confirmedAt', message: 'confirmedAt must not be before the request was made' }],
        });
      }
      await this.requests.saveConfirmation(
        id,
        {
          confirmedByName: dto.confirmedByName,
          relationship: dto.relationship,
          relationshipOther: dto.relationshipOther ?? null,
          method: dto.method,
          confirmedAt,
          recordedBy: staff.id,
          recordedAt: now,
        },
        manager,
      );
      const confirmation = {
        confirmedByName: dto.confirmedByName,
        relationship: dto.relationship,
        ...(dto.relationshipOther !== undefined ? { relationshipOther: dto.relationshipOther } : {}),
        method: dto.method,
        confirmedAt: confirmedAt.toISOString(),
      };
      await this.addEvent(manager, id, staff.id, step.event, step.from, step.to, {
        ...confirmation,
        replacesEarlier: current.confirmedAt !== null,
      });
      // The confirming person's name stays out of the audit trail (it is in the request's history).
      await this.auditStaff(manager, staff, step, current.patientId, {
        requestId: id,
        relationship: dto.relationship,
        method: dto.method,
        confirmedAt: confirmation.confirmedAt,
      });
    });
    return this.queue.detail(id);
  }

  /**
   * in_progress (confirmed) → completed: the patient's PCP becomes `pcpNpi` (one of the requester's
   * practice's physicians) or by default the requester's NPI (a sponsored requester's sponsor's),
   * and the change is recorded for the EHR, which must not overwrite it until it acknowledges it.
   */
  async complete(
    staff: AuthUser,
    id: string,
    chosenNpi?: string,
  ): Promise<TransitionResult & { pcpNpi: string }> {
    return inTransaction(this.dataSource, async (manager) => {
      const { current, step } = await this.begin(manager, staff, id, 'complete');
      const requester = await this.requesterOf(manager, current.requesterId);
      const npi =
        chosenNpi === undefined
          ? npiToApply(requester)
          : await this.practicePhysician(manager, requester, chosenNpi);
      const patient = await this.patients.findById(current.patientId, manager);
      const previousNpi = patient?.pcpNpi ?? null;
      await this.pcpChanges.setPcpByTeam(manager, current.patientId, npi, id);
      await this.requests.markCompleted(
        id,
        { at: this.clock.now(), closedBy: staff.id, appliedPcpNpi: npi, previousPcpNpi: previousNpi },
        manager,
      );
      await this.addEvent(manager, id, staff.id, step.event, step.from, step.to, {
        pcpNpi: npi,
        previousPcpNpi: previousNpi,
      });
      await this.auditStaff(manager, staff, step, current.patientId, {
        requestId: id,
        requesterId: requester.id,
        pcpNpi: npi,
        previousPcpNpi: previousNpi,
      });
      await this.notifyRequester(manager, step, requester, id);
      return { id, status: step.to, assigneeId: current.assigneeId, pcpNpi: npi };
    });
  }

  /** open or in_progress → rejected, with the reason kept on the request (not emailed). */
  async reject(staff: AuthUser, id: string, reason: string): Promise<TransitionResult> {
    return inTransaction(this.dataSource, async (manager) => {
      const { current, step } = await this.begin(manager, staff, id, 'reject');
      await this.requests.markRejected(id, { at: this.clock.now(), closedBy: staff.id, reason }, manager);
      await this.addEvent(manager, id, staff.id, step.event, step.from, step.to, { reason });
      await this.auditStaff(manager, staff, step, current.patientId, {
        requestId: id,
        fromStatus: step.from,
      });
      await this.notifyRequester(manager, step, await this.requesterOf(manager, current.requesterId), id);
      return { id, status: step.to, assigneeId: current.assigneeId };
    });
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Locks the request and decides the action on it (throws the table's refusal). */
  private async begin(
    manager: EntityManager,
    staff: AuthUser,
    id: string,
    action: PcpUpdateAction,
  ): Promise<{ current: PcpUpdateRequestState; step: PcpUpdateTransition }> {
    const current = await this.requests.lock(id, manager);
    if (!current) throw notFound('No such PCP-update request.');
    return { current, step: transition(current, action, staff.id) };
  }

  /** `npi` when it is one of the requester's effective practice's physicians (provider members ∪ roster); else 400. */
  private async practicePhysician(
    manager: EntityManager,
    requester: PcpRequester,
    npi: string,
  ): Promise<string> {
    checkActive(requester);
    const practiceId = requester.practiceId;
    if (practiceId) {
      const [members, roster] = await Promise.all([
        this.members.memberNpis(practiceId, manager),
        this.roster.rosterNpis(practiceId, manager),
      ]);
      if (members.includes(npi) || roster.some((r) => r.trim() === npi)) return npi;
    }
    throw badRequest('not_a_practice_physician', undefined, { pcpNpi: npi });
  }

  private async requesterOf(manager: EntityManager, requesterId: string): Promise<PcpRequester> {
    const requester = await this.requests.findRequester(requesterId, manager);
    // The foreign key cascades: a request's requester exists while the request does.
    if (!requester) throw notFound('No such PCP-update request.');
    return requester;
  }

  private async notifyRequester(
    manager: EntityManager,
    step: PcpUpdateTransition,
    requester: PcpRequester,
    id: string,
  ) {
    if (!step.notify) return;
    await this.notifications.record(manager, {
      template: step.notify,
      to: requester.email,
      data: { firstName: requester.firstName, requestId: id },
      idempotencyKey: `${step.notify}:${id}`,
    });
  }

  private addEvent(
    manager: EntityManager,
    requestId: string,
    actorId: string | null,
    type: PcpUpdateTransition['event'],
    fromStatus: PcpUpdateStatus | null,
    toStatus: PcpUpdateStatus,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.requests.addEvent(
      { requestId, at: this.clock.now(), actorId, type, fromStatus, toStatus, details },
      manager,
    );
  }

  private auditStaff(
    manager: EntityManager,
    staff: AuthUser,
    step: PcpUpdateTransition,
    patientId: string,
    details: Record<string, unknown>,
  ) {
    return this.audit.record(
      {
        actorId: staff.id,
        actorKind: staff.kind,
        action: step.audit,
        patientId,
        outcome: 'success',
        details,
      },
      manager,
    );
  }
}
