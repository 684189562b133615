import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/time/clock.js';
import { AuditEventsRepository, type NewAuditEvent } from './audit-events.repository.js';

export type AuditOutcome = 'success' | 'denied' | 'failure';

export interface AuditEntry {
  actorId: string | null;
  /** `provider`, `sponsored`, `staff`, `ehr`, `portal`, `system` or `anonymous`. */
  actorKind: string;
  /** What happened, e.g. `patient.view`, `patient.search`, `auth.login`, `staff.approve`. */
  action: string;
  patientId?: string | null;
  basis?: string | null;
  outcome: AuditOutcome;
  /** Never passwords, tokens or patient names. */
  details?: Record<string, unknown>;
}

export interface AccessLogItem {
  at: string;
  userId: string;
  userName: string;
  userKind: string;
  action: string;
  basis: string | null;
  outcome: string;
}

export interface AccessLogPage {
  items: AccessLogItem[];
  nextCursor: { at: string; id: string } | null;
}

const toEvent = (entry: AuditEntry): NewAuditEvent => ({
  actorId: entry.actorId,
  actorKind: entry.actorKind,
  action: entry.action,
  patientId: entry.patientId ?? null,
  basis: entry.basis ?? null,
  outcome: entry.outcome,
  details: entry.details ?? {},
});

/** Writes and reads the append-only audit trail (sealed later, off the request path, by AuditSealer). */
@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditEventsRepository,
    private readonly clock: Clock,
  ) {}

  /** Records in the given transaction, or on its own when no manager is passed. */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await this.repository.insert(toEvent(entry), this.clock.now(), manager);
  }

  /** Records several entries in one statement (search records one entry per match). */
  async recordMany(entries: AuditEntry[], manager?: EntityManager): Promise<void> {
    await this.repository.insertMany(entries.map(toEvent), this.clock.now(), manager);
  }

  /**
   * SPEC §7: a staff read that shows patients is audited, one `staff.patient_read` per patient
   * shown (duplicates folded), with `details.route` (the route template, e.g.
   * `GET /staff/pcp-updates`). Entries with `patientId: null` are for reads that may show patient
   * data without naming a patient (support requests' text and screenshots). One statement.
   */
  async recordStaffReads(
    staff: { id: string; kind: string },
    route: string,
    shown: Array<{ patientId: string | null; details?: Record<string, unknown> }>,
    manager?: EntityManager,
  ): Promise<void> {
    const seen = new Set<string>();
    const entries: AuditEntry[] = [];
    for (const item of shown) {
      if (item.patientId !== null) {
        if (seen.has(item.patientId)) continue;
        seen.add(item.patientId);
      }
      entries.push({
        actorId: staff.id,
        actorKind: staff.kind,
        action: 'staff.patient_read',
        patientId: item.patientId,
        outcome: 'success',
        details: { ...item.details, route },
      });
    }
    if (entries.length) await this.recordMany(entries, manager);
  }

  /**
   * Who did what with one patient's record, newest first: entries by signed-in users (views,
   * document lists, searches that matched the patient, denials, grants), keyset-paginated.
   */
  async listForPatient(
    patientId: string,
    page: { limit: number; after: { at: string; id: string } | null },
  ): Promise<AccessLogPage> {
    const found = await this.repository.listForPatient(patientId, page.limit, page.after);
    const items = found.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(({ at, userId, userName, userKind, action, basis, outcome }) => ({
        at: new Date(at).toISOString(),
        userId,
        userName,
        userKind,
        action,
        basis,
        outcome,
      })),
      nextCursor: found.length > page.limit && last ? { at: last.cursorAt, id: last.id } : null,
    };
  }
}
