import { Inject, Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth/principal.js';
import { notFound } from '../../common/errors/problem.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../../common/pagination/cursor.js';
import { BusinessCalendar } from '../../common/time/business-calendar.js';
import { Clock } from '../../common/time/clock.js';
import { hospitalDate } from '../../common/time/hospital-time.js';
import { AuditService } from '../audit/index.js';
import type { PcpUpdateDetailDto, PcpUpdateItemDto } from './dto/pcp-update-responses.dto.js';
import {
  PATIENT_DIRECTORY,
  PCP_CHANGE_LEDGER,
  type PatientCard,
  type PatientDirectory,
  type PcpChangeLedger,
} from './patient-access.port.js';
import { PcpUpdateQueueRepository } from './pcp-update-queue.repository.js';
import type { QueueFilter, QueueRecord } from './pcp-update.records.js';

export interface PcpUpdateListQuery {
  status?: string;
  overdue?: 'true' | 'false';
  assignee?: string;
  limit?: number;
  cursor?: string;
}

/**
 * The team's queue (read model): the list and one request with its history. Requests, people and
 * the effective practice come from the repository in one statement; the page's patients from
 * patient-access in one more.
 */
@Injectable()
export class PcpUpdateQueueService {
  constructor(
    private readonly requests: PcpUpdateQueueRepository,
    private readonly clock: Clock,
    private readonly calendar: BusinessCalendar,
    @Inject(PATIENT_DIRECTORY) private readonly patients: PatientDirectory,
    @Inject(PCP_CHANGE_LEDGER) private readonly pcpChanges: PcpChangeLedger,
    private readonly audit: AuditService,
  ) {}

  /** The team's view of one request (`GET /staff/pcp-updates/:id`, audited as a staff read of the patient). */
  async show(staff: AuthUser, id: string): Promise<PcpUpdateDetailDto> {
    const detail = await this.detail(id);
    await this.audit.recordStaffReads(staff, 'GET /staff/pcp-updates/:id', [
      { patientId: detail.patient.id, details: { requestId: id } },
    ]);
    return detail;
  }

  async detail(id: string): Promise<PcpUpdateDetailDto> {
    const now = this.clock.now();
    const [record] = await this.requests.queue({ now, ids: [id], take: 1 });
    const [item] = record ? await this.toItems([record], now) : [];
    if (!item) throw notFound('No such PCP-update request.');
    const [events, [ehrChange]] = await Promise.all([
      this.requests.history(id),
      record.status === 'completed' ? this.pcpChanges.forRequests([id]) : Promise.resolve([]),
    ]);
    return {
      ...item,
      ehrChangeId: ehrChange?.id ?? null,
      ehrAcknowledgedAt: ehrChange?.acknowledgedAt?.toISOString() ?? null,
      history: events.map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        type: e.type,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        actorId: e.actorId,
        actorName: e.actorName,
        details: e.details,
      })),
    };
  }

  /**
   * Late first, then due date, then id; the cursor carries the `now` of the first page so "late"
   * does not shift between pages.
   */
  async list(staff: AuthUser, q: PcpUpdateListQuery): Promise<Page<PcpUpdateItemDto>> {
    const statuses = q.status
      ? [...new Set(q.status.split(',').flatMap((s) => (s === 'active' ? ['open', 'in_progress'] : [s])))]
      : undefined;
    const limit = pageLimit(q.limit);
    const parts = decodeCursor(q.cursor, ['instant', 'boolean', 'instant', 'uuid']);
    const firstNow = parts ? parts[0] : undefined;
    const now = firstNow ? new Date(firstNow) : this.clock.now();
    const filter: QueueFilter = {
      now,
      statuses,
      overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
      assignee: q.assignee === 'me' ? staff.id : q.assignee,
      after: parts ? { late: parts[1], dueAt: parts[2], id: parts[3] } : undefined,
      take: limit + 1,
    };
    const records = await this.requests.queue(filter);
    // The cursor keeps the first page's `now` (a Clock instant, milliseconds) and the due date at
    // full precision, so requests due within the same millisecond are neither skipped nor repeated.
    const page = toPage(records, limit, (r) => [firstNow ?? now.toISOString(), r.late, r.dueAtCursor, r.id]);
    const items = await this.toItems(page.items, now);
    // SPEC §7: staff reads that show a patient are audited, one entry per patient shown.
    await this.audit.recordStaffReads(
      staff,
      'GET /staff/pcp-updates',
      items.map((i) => ({ patientId: i.patient.id, details: { requestId: i.id } })),
    );
    return { items, nextCursor: page.nextCursor };
  }

  private async toItems(records: QueueRecord[], now: Date): Promise<PcpUpdateItemDto[]> {
    if (records.length === 0) return [];
    const found = await this.patients.findCardsByIds([...new Set(records.map((r) => r.patientId))]);
    const byId = new Map(found.map((p) => [p.id, p]));
    // A request's patient exists while the request does (foreign key, cascade).
    return records.flatMap((r) => {
      const patient = byId.get(r.patientId);
      return patient ? [this.toItem(r, patient, now)] : [];
    });
  }

  private toItem(r: QueueRecord, p: PatientCard, now: Date): PcpUpdateItemDto {
    const end = r.closedAt ?? now;
    return {
      id: r.id,
      status: r.status,
      patient: { id: p.id, mrn: p.mrn, firstName: p.firstName, lastName: p.lastName, pcpNpi: p.pcpNpi },
      requester: {
        ...r.requester,
        practice: r.practice,
        sponsor: r.sponsor,
      },
      /** The NPI completing the request would make the patient's PCP. */
      pcpNpiToApply:
        r.appliedPcpNpi ?? (r.requester.kind === 'sponsored' ? (r.sponsor?.npi ?? null) : r.requester.npi),
      note: r.note,
      assigneeId: r.assignee?.id ?? null,
      assignee: r.assignee,
      createdAt: r.createdAt.toISOString(),
      dueAt: r.dueAt.toISOString(),
      dueDate: hospitalDate(r.dueAt),
      overdue: r.late,
      ageDays: Math.max(0, Math.floor((end.getTime() - r.createdAt.getTime()) / 86_400_000)),
      ageBusinessDays: this.calendar.businessDaysBetween(hospitalDate(r.createdAt), hospitalDate(end)),
      claimedAt: r.claimedAt?.toISOString() ?? null,
      confirmation: r.confirmedAt
        ? {
            confirmedByName: r.confirmedByName,
            relationship: r.confirmationRelationship,
            relationshipOther: r.confirmationRelationshipOther,
            method: r.confirmationMethod,
            confirmedAt: r.confirmedAt.toISOString(),
            recordedBy: r.confirmationRecordedBy,
            recordedAt: r.confirmationRecordedAt?.toISOString() ?? null,
          }
        : null,
      closedAt: r.closedAt?.toISOString() ?? null,
      closedBy: r.closedBy,
      rejectionReason: r.rejectionReason,
      appliedPcpNpi: r.appliedPcpNpi,
      previousPcpNpi: r.previousPcpNpi,
    };
  }
}
