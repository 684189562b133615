import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, conflict, notFound, ProblemException } from '../../common/errors/problem.js';
import { cursorAtSql, decodeCursor, pageLimit, toPage } from '../../common/pagination/cursor.js';
import { BusinessCalendar } from '../../common/time/business-calendar.js';
import { Clock } from '../../common/time/clock.js';
import { HOSPITAL_TIME_ZONE, hospitalDate, hospitalInstant } from '../../common/time/hospital-time.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/audit.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { RecordConfirmationDto } from './dto/pcp-update.dto.js';
import type { PcpUpdateEventType } from './entities/pcp-update-event.entity.js';
import type { PcpUpdateStatus } from './entities/pcp-update-request.entity.js';
import { ACCESS_DECIDER, PATIENT_DIRECTORY, type AccessDecider, type PatientDirectory } from './patient-access.port.js';

/** Business days from the request to its due date (SPEC: target 2–3 business days). */
export const PCP_UPDATE_BUSINESS_DAYS = 3;
/** Clock skew tolerated when checking that a confirmation is not in the future. */
const CONFIRMATION_SKEW_MS = 2 * 60_000;
const ACTIVE_INDEX = 'uq_pcp_update_requests_active';

/** The row as the workflow reads it (locked) inside a transaction. */
interface RequestRow {
  id: string;
  patient_id: string;
  requester_id: string;
  status: PcpUpdateStatus;
  assignee_id: string | null;
  created_at: Date;
  due_at: Date;
  confirmed_at: Date | null;
}

interface RequesterRow {
  id: string;
  kind: string;
  email: string;
  first_name: string;
  last_name: string;
  npi: string | null;
  status: string;
  sponsor_id: string | null;
  sponsor_npi: string | null;
  sponsor_status: string | null;
}

export interface TransitionResult {
  id: string;
  status: PcpUpdateStatus;
  assigneeId: string | null;
}

export const formatHospitalDay = (instant: Date) =>
  new Intl.DateTimeFormat('en-US', { timeZone: HOSPITAL_TIME_ZONE, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(
    instant,
  );

/**
 * The PCP-update queue: a provider (or sponsored user) asks to become a patient's PCP practice; the
 * MyPatients team claims the request, records the family's verbal confirmation and completes it
 * (which sets the patient's PCP, so access follows) or rejects it. Every transition is one
 * transaction: the row, a history event, the audit entry and any email.
 */
@Injectable()
export class PcpUpdatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly calendar: BusinessCalendar,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ACCESS_DECIDER) private readonly access: AccessDecider,
    @Inject(PATIENT_DIRECTORY) private readonly patients: PatientDirectory,
  ) {}

  // ---- requester side -------------------------------------------------------------------------

  async request(user: AuthUser, patientId: string, note: string | undefined) {
    const patient = await this.patients.findById(patientId);
    if (!patient) throw notFound('No such patient.');
    const decision = await this.access.decide(user.id, patientId);
    if (decision.allowed) {
      throw conflict('already_authorized', 'You already have access to this patient.', { basis: decision.basis });
    }
    const now = this.clock.now();
    const dueAt = this.calendar.addBusinessDays(now, PCP_UPDATE_BUSINESS_DAYS);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [row]: Array<{ id: string }> = await manager.query(
          `INSERT INTO pcp_update_requests (patient_id, requester_id, note, status, created_at, updated_at, due_at)
           VALUES ($1, $2, $3, 'open', $4, $4, $5) RETURNING id`,
          [patientId, user.id, note ? note : null, now, dueAt],
        );
        await this.addEvent(manager, row.id, user.id, 'created', null, 'open', {});
        await this.audit.record(
          {
            actorId: user.id,
            actorKind: user.kind,
            action: 'pcp_update.request',
            patientId,
            outcome: 'success',
            details: { requestId: row.id, dueAt: dueAt.toISOString() },
          },
          manager,
        );
        const practice = await this.practiceNameOf(manager, user.id);
        await this.notifications.record(manager, {
          template: 'pcp-request-team',
          to: this.config.teamEmail,
          data: {
            requestId: row.id,
            requesterName: `${user.firstName} ${user.lastName}`,
            requesterKind: user.kind === 'sponsored' ? 'sponsored user' : 'provider',
            practiceName: practice ?? 'no practice on file',
            dueDate: formatHospitalDay(dueAt),
            hasNote: Boolean(note),
          },
          idempotencyKey: `pcp-request-team:${row.id}`,
        });
        return { id: row.id, status: 'open' as const, dueAt: dueAt.toISOString() };
      });
    } catch (err) {
      if (isUniqueViolation(err, ACTIVE_INDEX)) throw await this.pendingConflict(user.id, patientId);
      throw err;
    }
  }

  private async pendingConflict(requesterId: string, patientId: string): Promise<ProblemException> {
    const [existing]: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM pcp_update_requests WHERE requester_id = $1 AND patient_id = $2 AND status IN ('open', 'in_progress')`,
      [requesterId, patientId],
    );
    return conflict('request_pending', 'You already have a PCP access request for this patient in the queue.', {
      requestId: existing?.id ?? null,
    });
  }

  // ---- team workflow --------------------------------------------------------------------------

  /** open → in_progress, assigned to the caller. Concurrent claims: the row update decides, one wins. */
  async claim(staff: AuthUser, id: string): Promise<TransitionResult> {
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const [rows] = (await manager.query(
        `UPDATE pcp_update_requests SET status = 'in_progress', assignee_id = $2, claimed_at = $3, updated_at = $3
         WHERE id = $1 AND status = 'open' RETURNING id, patient_id`,
        [id, staff.id, now],
      )) as [Array<{ id: string; patient_id: string }>, number];
      const claimed = rows[0];
      if (!claimed) {
        const current = await this.lockRequest(manager, id);
        if (current.status === 'in_progress' && current.assignee_id === staff.id) {
          return { id, status: 'in_progress', assigneeId: staff.id }; // already theirs: idempotent
        }
        if (current.status === 'in_progress') {
          throw conflict('already_claimed', 'Another team member has already claimed this request.', { assigneeId: current.assignee_id });
        }
        throw invalidTransition(current.status, 'claim');
      }
      await this.addEvent(manager, id, staff.id, 'claimed', 'open', 'in_progress', {});
      await this.auditStaff(manager, staff, 'pcp_update.claim', claimed.patient_id, { requestId: id });
      return { id, status: 'in_progress', assigneeId: staff.id };
    });
  }

  /** in_progress → open: the assignee (or a colleague taking over) puts the request back in the queue. */
  async release(staff: AuthUser, id: string): Promise<TransitionResult> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lockRequest(manager, id);
      if (current.status !== 'in_progress') throw invalidTransition(current.status, 'release');
      const now = this.clock.now();
      await manager.query(`UPDATE pcp_update_requests SET status = 'open', assignee_id = NULL, updated_at = $2 WHERE id = $1`, [id, now]);
      await this.addEvent(manager, id, staff.id, 'released', 'in_progress', 'open', { previousAssigneeId: current.assignee_id });
      await this.auditStaff(manager, staff, 'pcp_update.release', current.patient_id, { requestId: id, previousAssigneeId: current.assignee_id });
      return { id, status: 'open', assigneeId: null };
    });
  }

  /** Records (or corrects) the family's verbal confirmation on a request the caller is working. */
  async recordConfirmation(staff: AuthUser, id: string, dto: RecordConfirmationDto) {
    const confirmedAt = new Date(dto.confirmedAt);
    await this.dataSource.transaction(async (manager) => {
      const current = await this.lockRequest(manager, id);
      this.assertWorkedBy(current, staff, 'record a confirmation for');
      const now = this.clock.now();
      if (confirmedAt.getTime() > now.getTime() + CONFIRMATION_SKEW_MS) {
        throw badRequest('validation_failed', 'The request is not valid.', {
          errors: [{ field: 'confirmedAt', message: 'confirmedAt must not be in the future' }],
        });
      }
      if (confirmedAt.getTime() < new Date(current.created_at).getTime()) {
        throw badRequest('validation_failed', 'The request is not valid.', {
          errors: [{ field: 'confirmedAt', message: 'confirmedAt must not be before the request was made' }],
        });
      }
      await manager.query(
        `UPDATE pcp_update_requests SET confirmed_by_name = $2, confirmation_relationship = $3, confirmation_method = $4,
           confirmed_at = $5, confirmation_recorded_by = $6, confirmation_recorded_at = $7, updated_at = $7
         WHERE id = $1`,
        [id, dto.confirmedByName, dto.relationship, dto.method, confirmedAt, staff.id, now],
      );
      const confirmation = { confirmedByName: dto.confirmedByName, relationship: dto.relationship, method: dto.method, confirmedAt: confirmedAt.toISOString() };
      await this.addEvent(manager, id, staff.id, 'confirmation_recorded', current.status, current.status, {
        ...confirmation,
        replacesEarlier: current.confirmed_at !== null,
      });
      // The confirming person's name stays out of the audit trail (it is in the request's history).
      await this.auditStaff(manager, staff, 'pcp_update.confirmation', current.patient_id, {
        requestId: id,
        relationship: dto.relationship,
        method: dto.method,
        confirmedAt: confirmation.confirmedAt,
      });
    });
    return this.detail(id);
  }

  /** in_progress (confirmed) → completed: the patient's PCP becomes the requester's NPI. */
  async complete(staff: AuthUser, id: string): Promise<TransitionResult & { pcpNpi: string }> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lockRequest(manager, id);
      this.assertWorkedBy(current, staff, 'complete');
      if (!current.confirmed_at) {
        throw conflict('confirmation_required', "Record the family's verbal confirmation before completing the request.");
      }
      const requester = await this.requesterOf(manager, current.requester_id);
      const npi = this.npiToApply(requester);
      const [patient]: Array<{ pcp_npi: string | null }> = await manager.query(`SELECT pcp_npi FROM patients WHERE id = $1`, [current.patient_id]);
      const previousNpi = patient?.pcp_npi ?? null;
      await this.patients.setPcp(manager, current.patient_id, npi);
      const now = this.clock.now();
      await manager.query(
        `UPDATE pcp_update_requests SET status = 'completed', closed_at = $2, closed_by = $3, applied_pcp_npi = $4,
           previous_pcp_npi = $5, updated_at = $2 WHERE id = $1`,
        [id, now, staff.id, npi, previousNpi],
      );
      await this.addEvent(manager, id, staff.id, 'completed', 'in_progress', 'completed', { pcpNpi: npi, previousPcpNpi: previousNpi });
      await this.auditStaff(manager, staff, 'pcp_update.complete', current.patient_id, {
        requestId: id,
        requesterId: requester.id,
        pcpNpi: npi,
        previousPcpNpi: previousNpi,
      });
      await this.notifications.record(manager, {
        template: 'pcp-update-completed',
        to: requester.email,
        data: { firstName: requester.first_name, requestId: id },
        idempotencyKey: `pcp-update-completed:${id}`,
      });
      return { id, status: 'completed', assigneeId: current.assignee_id, pcpNpi: npi };
    });
  }

  /** open or in_progress → rejected, with the reason kept on the request (not emailed). */
  async reject(staff: AuthUser, id: string, reason: string): Promise<TransitionResult> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lockRequest(manager, id);
      if (current.status !== 'open' && current.status !== 'in_progress') throw invalidTransition(current.status, 'reject');
      if (current.status === 'in_progress' && current.assignee_id !== staff.id) throw notAssignee(current.assignee_id, 'reject');
      const now = this.clock.now();
      await manager.query(
        `UPDATE pcp_update_requests SET status = 'rejected', rejection_reason = $2, closed_at = $3, closed_by = $4, updated_at = $3
         WHERE id = $1`,
        [id, reason, now, staff.id],
      );
      await this.addEvent(manager, id, staff.id, 'rejected', current.status, 'rejected', { reason });
      await this.auditStaff(manager, staff, 'pcp_update.reject', current.patient_id, { requestId: id, fromStatus: current.status });
      const requester = await this.requesterOf(manager, current.requester_id);
      await this.notifications.record(manager, {
        template: 'pcp-update-rejected',
        to: requester.email,
        data: { firstName: requester.first_name, requestId: id },
        idempotencyKey: `pcp-update-rejected:${id}`,
      });
      return { id, status: 'rejected', assigneeId: current.assignee_id };
    });
  }

  // ---- queue views ----------------------------------------------------------------------------

  async detail(id: string) {
    const { items } = await this.queryItems({ ids: [id] });
    const item = items[0];
    if (!item) throw notFound('No such PCP-update request.');
    const events: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT e.id, e.at, e.type, e.from_status AS "fromStatus", e.to_status AS "toStatus", e.actor_id AS "actorId",
              CASE WHEN a.id IS NULL THEN NULL ELSE a.first_name || ' ' || a.last_name END AS "actorName", e.details
       FROM pcp_update_events e LEFT JOIN users a ON a.id = e.actor_id
       WHERE e.request_id = $1 ORDER BY e.at, e.id`,
      [id],
    );
    return {
      ...item,
      history: events.map((e) => ({ ...e, at: (e.at as Date).toISOString() })),
    };
  }

  async list(
    staff: AuthUser,
    q: { status?: string; overdue?: 'true' | 'false'; assignee?: string; limit?: number; cursor?: string },
  ) {
    const statuses = q.status
      ? [...new Set(q.status.split(',').flatMap((s) => (s === 'active' ? ['open', 'in_progress'] : [s])))]
      : undefined;
    const limit = pageLimit(q.limit);
    const parts = decodeCursor(q.cursor, ['instant', 'boolean', 'instant', 'uuid']);
    const cursor = parts ? { now: parts[0], late: parts[1], dueAt: parts[2], id: parts[3] } : undefined;
    const assignee = q.assignee === 'me' ? staff.id : q.assignee;
    return this.queryItems({
      statuses,
      overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
      assignee,
      limit,
      cursor,
    });
  }

  /**
   * One query for the list and the detail. Order: late first, then due date, then id; the cursor
   * carries the `now` of the first page so "late" does not shift between pages.
   */
  private async queryItems(f: {
    ids?: string[];
    statuses?: string[];
    overdue?: boolean;
    assignee?: string;
    limit?: number;
    cursor?: Cursor;
  }) {
    const now = f.cursor ? new Date(f.cursor.now) : this.clock.now();
    const params: unknown[] = [now];
    const where: string[] = [];
    const late = `(r.status IN ('open', 'in_progress') AND r.due_at < $1)`;
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.ids) add((p) => `r.id = ANY(${p}::uuid[])`, f.ids);
    if (f.statuses) add((p) => `r.status = ANY(${p}::varchar[])`, f.statuses);
    if (f.overdue !== undefined) where.push(f.overdue ? late : `NOT ${late}`);
    if (f.assignee === 'none') where.push('r.assignee_id IS NULL');
    else if (f.assignee) add((p) => `r.assignee_id = ${p}::uuid`, f.assignee);
    if (f.cursor) {
      params.push(f.cursor.late ? 0 : 1, f.cursor.dueAt, f.cursor.id);
      const n = params.length;
      where.push(`(CASE WHEN ${late} THEN 0 ELSE 1 END, r.due_at, r.id) > ($${n - 2}::int, $${n - 1}::timestamptz, $${n}::uuid)`);
    }
    const limit = f.limit ?? 1;
    params.push(limit + 1);
    const rows: ItemRow[] = await this.dataSource.query(
      `SELECT r.id, r.status, r.note, r.created_at, r.due_at, r.claimed_at, r.closed_at, r.closed_by, r.rejection_reason,
              r.applied_pcp_npi, r.previous_pcp_npi, ${late} AS late, ${cursorAtSql('r.due_at')} AS due_at_cursor,
              r.confirmed_by_name, r.confirmation_relationship, r.confirmation_method, r.confirmed_at,
              r.confirmation_recorded_by, r.confirmation_recorded_at,
              p.id AS patient_id, p.mrn, p.first_name AS patient_first_name, p.last_name AS patient_last_name,
              p.pcp_npi AS patient_pcp_npi,
              u.id AS requester_id, u.kind AS requester_kind, u.first_name AS requester_first_name,
              u.last_name AS requester_last_name, u.email AS requester_email, u.npi AS requester_npi,
              u.status AS requester_status,
              s.id AS sponsor_id, s.first_name AS sponsor_first_name, s.last_name AS sponsor_last_name, s.npi AS sponsor_npi,
              pr.id AS practice_id, pr.name AS practice_name,
              a.id AS assignee_id, a.first_name AS assignee_first_name, a.last_name AS assignee_last_name
       FROM pcp_update_requests r
       JOIN patients p ON p.id = r.patient_id
       JOIN users u ON u.id = r.requester_id
       LEFT JOIN users s ON s.id = u.sponsor_id
       LEFT JOIN practices pr ON pr.id = COALESCE(u.practice_id, s.practice_id)
       LEFT JOIN users a ON a.id = r.assignee_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY CASE WHEN ${late} THEN 0 ELSE 1 END, r.due_at, r.id
       LIMIT $${params.length}`,
      params,
    );
    // The cursor keeps the first page's `now` (a Clock instant, milliseconds) and the due date at
    // full precision, so requests due within the same millisecond are neither skipped nor repeated.
    const page = toPage(rows, limit, (r) => [f.cursor?.now ?? now.toISOString(), r.late, r.due_at_cursor, r.id]);
    return { items: page.items.map((r) => this.toItem(r, now)), nextCursor: page.nextCursor };
  }

  private toItem(r: ItemRow, now: Date) {
    const end = r.closed_at ?? now;
    return {
      id: r.id,
      status: r.status,
      patient: { id: r.patient_id, mrn: r.mrn, firstName: r.patient_first_name, lastName: r.patient_last_name, pcpNpi: r.patient_pcp_npi },
      requester: {
        id: r.requester_id,
        kind: r.requester_kind,
        firstName: r.requester_first_name,
        lastName: r.requester_last_name,
        email: r.requester_email,
        npi: r.requester_npi,
        status: r.requester_status,
        practice: r.practice_id ? { id: r.practice_id, name: r.practice_name } : null,
        sponsor: r.sponsor_id ? { id: r.sponsor_id, firstName: r.sponsor_first_name, lastName: r.sponsor_last_name, npi: r.sponsor_npi } : null,
      },
      /** The NPI completing the request would make the patient's PCP. */
      pcpNpiToApply: r.applied_pcp_npi ?? (r.requester_kind === 'sponsored' ? r.sponsor_npi : r.requester_npi),
      note: r.note,
      assigneeId: r.assignee_id,
      assignee: r.assignee_id ? { id: r.assignee_id, firstName: r.assignee_first_name, lastName: r.assignee_last_name } : null,
      createdAt: r.created_at.toISOString(),
      dueAt: r.due_at.toISOString(),
      dueDate: hospitalDate(r.due_at),
      overdue: r.late,
      ageDays: Math.max(0, Math.floor((end.getTime() - r.created_at.getTime()) / 86_400_000)),
      ageBusinessDays: this.calendar.businessDaysBetween(hospitalDate(r.created_at), hospitalDate(end)),
      claimedAt: r.claimed_at?.toISOString() ?? null,
      confirmation: r.confirmed_at
        ? {
            confirmedByName: r.confirmed_by_name,
            relationship: r.confirmation_relationship,
            method: r.confirmation_method,
            confirmedAt: r.confirmed_at.toISOString(),
            recordedBy: r.confirmation_recorded_by,
            recordedAt: r.confirmation_recorded_at?.toISOString() ?? null,
          }
        : null,
      closedAt: r.closed_at?.toISOString() ?? null,
      closedBy: r.closed_by,
      rejectionReason: r.rejection_reason,
      appliedPcpNpi: r.applied_pcp_npi,
      previousPcpNpi: r.previous_pcp_npi,
    };
  }

  // ---- overdue digest (job pcp-update-overdue) ------------------------------------------------

  /**
   * Emails the team one digest of the requests still open or in progress whose due date is before
   * `asOf` (hospital date). One digest per date (notification idempotency key): the first run returns
   * the number of late requests, a second run for the same date 0. Nothing late: no email, 0.
   */
  async sendOverdueDigest(asOf: string): Promise<number> {
    // Midnight starting the hospital date asOf: a request due on an earlier date is late that day.
    const startOfAsOf = hospitalInstant(asOf);
    const rows: Array<{ id: string; due_at: Date; created_at: Date; status: string; assignee: string | null }> = await this.dataSource.query(
      `SELECT r.id, r.due_at, r.created_at, r.status,
              CASE WHEN a.id IS NULL THEN NULL ELSE a.first_name || ' ' || a.last_name END AS assignee
       FROM pcp_update_requests r LEFT JOIN users a ON a.id = r.assignee_id
       WHERE r.status IN ('open', 'in_progress') AND r.due_at < $1
       ORDER BY r.due_at, r.id`,
      [startOfAsOf],
    );
    if (rows.length === 0) return 0;
    return this.dataSource.transaction(async (manager) => {
      const id = await this.notifications.record(manager, {
        template: 'pcp-update-overdue-team',
        to: this.config.teamEmail,
        data: {
          asOf,
          count: rows.length,
          countLabel: rows.length === 1 ? '1 request' : `${rows.length} requests`,
          plural: rows.length !== 1,
          unassigned: rows.filter((r) => r.status === 'open').length,
          items: rows.map((r) => ({
            requestId: r.id,
            dueDate: hospitalDate(r.due_at),
            businessDaysLate: this.calendar.businessDaysBetween(hospitalDate(r.due_at), asOf),
            status: r.status === 'open' ? 'unclaimed' : 'in progress',
            assignee: r.assignee ?? 'nobody',
          })),
        },
        idempotencyKey: `pcp-update-overdue:${asOf}`,
      });
      if (!id) return 0;
      await this.audit.record(
        { actorId: null, actorKind: 'system', action: 'pcp_update.overdue_digest', outcome: 'success', details: { asOf, count: rows.length } },
        manager,
      );
      return rows.length;
    });
  }

  // ---- helpers --------------------------------------------------------------------------------

  private async lockRequest(manager: EntityManager, id: string): Promise<RequestRow> {
    const [row]: RequestRow[] = await manager.query(
      `SELECT id, patient_id, requester_id, status, assignee_id, created_at, due_at, confirmed_at
       FROM pcp_update_requests WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!row) throw notFound('No such PCP-update request.');
    return row;
  }

  private assertWorkedBy(current: RequestRow, staff: AuthUser, what: string): void {
    if (current.status === 'open') {
      throw conflict('not_claimed', `Claim the request before you ${what} it.`);
    }
    if (current.status !== 'in_progress') throw invalidTransition(current.status, what);
    if (current.assignee_id !== staff.id) throw notAssignee(current.assignee_id, what);
  }

  private async requesterOf(manager: EntityManager, requesterId: string): Promise<RequesterRow> {
    const [row]: RequesterRow[] = await manager.query(
      `SELECT u.id, u.kind, u.email, u.first_name, u.last_name, u.npi, u.status, u.sponsor_id,
              s.npi AS sponsor_npi, s.status AS sponsor_status
       FROM users u LEFT JOIN users s ON s.id = u.sponsor_id WHERE u.id = $1`,
      [requesterId],
    );
    return row;
  }

  /** A provider's own NPI; a sponsored user's sponsor's NPI (their practice's physician). */
  private npiToApply(requester: RequesterRow): string {
    const gone = ['deactivated', 'rejected'];
    if (gone.includes(requester.status)) {
      throw conflict('requester_inactive', 'The requester’s account is no longer active; reject the request instead.');
    }
    const npi = requester.kind === 'sponsored' ? requester.sponsor_npi : requester.npi;
    if (requester.kind === 'sponsored' && (!requester.sponsor_status || gone.includes(requester.sponsor_status))) {
      throw conflict('requester_inactive', 'The sponsored requester’s sponsor is no longer active; reject the request instead.');
    }
    if (!npi) throw conflict('requester_has_no_npi', 'The requester has no NPI to make the patient’s PCP; reject the request instead.');
    return npi.trim();
  }

  private async practiceNameOf(manager: EntityManager, userId: string): Promise<string | null> {
    const [row]: Array<{ name: string | null }> = await manager.query(
      `SELECT pr.name FROM users u LEFT JOIN users s ON s.id = u.sponsor_id
       LEFT JOIN practices pr ON pr.id = COALESCE(u.practice_id, s.practice_id) WHERE u.id = $1`,
      [userId],
    );
    return row?.name ?? null;
  }

  private async addEvent(
    manager: EntityManager,
    requestId: string,
    actorId: string | null,
    type: PcpUpdateEventType,
    fromStatus: string | null,
    toStatus: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO pcp_update_events (request_id, at, actor_id, type, from_status, to_status, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [requestId, this.clock.now(), actorId, type, fromStatus, toStatus, JSON.stringify(details)],
    );
  }

  private auditStaff(manager: EntityManager, staff: AuthUser, action: string, patientId: string, details: Record<string, unknown>) {
    return this.audit.record({ actorId: staff.id, actorKind: staff.kind, action, patientId, outcome: 'success', details }, manager);
  }
}

interface ItemRow {
  id: string;
  status: PcpUpdateStatus;
  note: string | null;
  created_at: Date;
  due_at: Date;
  /** due_at as the cursor's full-precision text. */
  due_at_cursor: string;
  claimed_at: Date | null;
  closed_at: Date | null;
  closed_by: string | null;
  rejection_reason: string | null;
  applied_pcp_npi: string | null;
  previous_pcp_npi: string | null;
  late: boolean;
  confirmed_by_name: string | null;
  confirmation_relationship: string | null;
  confirmation_method: string | null;
  confirmed_at: Date | null;
  confirmation_recorded_by: string | null;
  confirmation_recorded_at: Date | null;
  patient_id: string;
  mrn: string;
  patient_first_name: string;
  patient_last_name: string;
  patient_pcp_npi: string | null;
  requester_id: string;
  requester_kind: string;
  requester_first_name: string;
  requester_last_name: string;
  requester_email: string;
  requester_npi: string | null;
  requester_status: string;
  sponsor_id: string | null;
  sponsor_first_name: string | null;
  sponsor_last_name: string | null;
  sponsor_npi: string | null;
  practice_id: string | null;
  practice_name: string | null;
  assignee_id: string | null;
  assignee_first_name: string | null;
  assignee_last_name: string | null;
}

interface Cursor {
  /** The first page's `now`, so "late" does not shift between pages. */
  now: string;
  late: boolean;
  dueAt: string;
  id: string;
}

const invalidTransition = (status: string, what: string) =>
  conflict('invalid_transition', `You cannot ${what} a request that is ${status.replace('_', ' ')}.`, { status });

const notAssignee = (assigneeId: string | null, what: string) =>
  conflict('not_assignee', `Only the team member who claimed the request may ${what} it; release it first to take it over.`, { assigneeId });

function isUniqueViolation(err: unknown, constraint: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driver = (err as QueryFailedError & { driverError?: { code?: string; constraint?: string } }).driverError;
  return driver?.code === '23505' && driver?.constraint === constraint;
}
