import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type AuditEventFilter,
  type AuditEventRecord,
  type AuditPerson,
  AuditSearchRepository,
  type Keyset,
} from './audit-search.repository.js';

export type { AuditEventFilter, AuditEventRecord, AuditPerson, Keyset };

export interface RecordPage {
  items: AuditEventRecord[];
  /** The keyset of the last item when there is a further page. */
  next: Keyset;
}

/** The access log's item (v1 fields, plus `user` in v1.1). */
export interface AccessLogEntry {
  at: string;
  userId: string;
  userName: string;
  userKind: string;
  user: AuditPerson;
  action: string;
  basis: string | null;
  outcome: string;
}

const pageOf = (found: AuditEventRecord[], limit: number): RecordPage => {
  const items = found.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: found.length > limit && last ? [last.cursorAt, last.id] : null };
};

/**
 * Reading the trail (privacy officer's search, export, disclosures; the access log; the counts of
 * the anomaly rules). Writing stays in AuditService; this service never writes.
 */
@Injectable()
export class AuditSearchService {
  constructor(private readonly repository: AuditSearchRepository) {}

  /** Newest first, keyset-paginated. */
  async page(filter: AuditEventFilter, limit: number, after: Keyset): Promise<RecordPage> {
    return pageOf(await this.repository.find(filter, after, limit + 1, 'desc'), limit);
  }

  /**
   * Every matching entry, oldest first, in batches of `batchSize` read one after the other (each
   * its own keyset query): memory stays bounded by one batch, whatever the size of the trail.
   */
  async *batches(filter: AuditEventFilter, batchSize = 1000): AsyncGenerator<AuditEventRecord[]> {
    let after: Keyset = null;
    for (;;) {
      const batch = await this.repository.find(filter, after, batchSize, 'asc');
      if (batch.length) yield batch;
      if (batch.length < batchSize) return;
      const last = batch[batch.length - 1];
      after = [last.cursorAt, last.id];
    }
  }

  /** Successful reads of the record by non-staff users in `[fromAt, beforeAt)`, newest first. */
  async disclosures(
    patientId: string,
    range: { fromAt: Date; beforeAt: Date },
    limit: number,
    after: Keyset,
  ): Promise<RecordPage> {
    return pageOf(await this.repository.disclosures(patientId, range, after, limit + 1), limit);
  }

  /** Who did what with one patient's record, newest first (entries by signed-in users). */
  async accessLog(
    patientId: string,
    limit: number,
    after: Keyset,
  ): Promise<{ items: AccessLogEntry[]; next: Keyset }> {
    const page = pageOf(await this.repository.accessLog(patientId, after, limit + 1), limit);
    return {
      items: page.items
        .filter((r): r is AuditEventRecord & { user: AuditPerson } => r.user !== null)
        .map((r) => ({
          at: new Date(r.at).toISOString(),
          userId: r.user.id,
          userName: r.user.name,
          userKind: r.user.kind,
          user: r.user,
          action: r.action,
          basis: r.basis,
          outcome: r.outcome,
        })),
      next: page.next,
    };
  }

  /** `not_authorized` search matches of one account since `since`, counted up to `cap`. */
  deniedSearchMatches(actorId: string, since: Date, cap: number, manager?: EntityManager): Promise<number> {
    return this.repository.deniedSearchMatches(actorId, since, cap, manager);
  }

  /** A registration approval by this staff member since `since` of the account with this email. */
  approvalOf(staffId: string, email: string, since: Date, manager?: EntityManager) {
    return this.repository.approvalOf(staffId, email, since, manager);
  }

  /** An invitation this staff member issued to this email since `since`. */
  invitationTo(staffId: string, email: string, since: Date, manager?: EntityManager) {
    return this.repository.invitationTo(staffId, email, since, manager);
  }
}
