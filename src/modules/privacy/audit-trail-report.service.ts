import { Injectable, StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { AuthUser } from '../../common/auth/principal.js';
import { decodeCursor, encodeCursor, type Page, pageLimit } from '../../common/pagination/cursor.js';
import {
  type AuditEventFilter,
  type AuditEventRecord,
  type AuditPerson,
  AuditSearchService,
  AuditService,
} from '../audit/index.js';
import { auditCsvHeader, auditCsvLine } from './audit-csv.js';
import type { AuditEventsQuery } from './dto/privacy-query.dto.js';
import { hospitalDateRange, MAX_EXPORT_DAYS } from './report-range.js';

export interface AuditEventView {
  id: string;
  at: string;
  user: AuditPerson | null;
  actorKind: string;
  action: string;
  patientId: string | null;
  basis: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/** Rows per keyset batch of the export: one batch is all the export holds in memory. */
export const EXPORT_BATCH_SIZE = 1000;

const view = (e: AuditEventRecord): AuditEventView => ({
  id: e.id,
  at: new Date(e.at).toISOString(),
  user: e.user,
  actorKind: e.actorKind,
  action: e.action,
  patientId: e.patientId,
  basis: e.basis,
  outcome: e.outcome,
  details: e.details,
});

/** The filters as given, for the officer's own audit entry (no empty values). */
const filtersOf = (q: AuditEventsQuery) =>
  Object.fromEntries(
    (['patientId', 'userId', 'action', 'outcome', 'from', 'to'] as const)
      .filter((k) => q[k] !== undefined && q[k] !== '')
      .map((k) => [k, q[k]]),
  );

/**
 * The privacy officer's search of the trail and its CSV export (API.md v1.1 "Privacy"). The
 * officer's own reads are audited too: `audit.search` per page, `audit.export` per export.
 */
@Injectable()
export class AuditTrailReportService {
  constructor(
    private readonly trail: AuditSearchService,
    private readonly audit: AuditService,
  ) {}

  private filterOf(
    q: AuditEventsQuery,
    rules: { required?: boolean; maxDays?: number } = {},
  ): AuditEventFilter {
    return {
      patientId: q.patientId,
      userId: q.userId,
      action: q.action,
      outcome: q.outcome,
      ...hospitalDateRange(q.from, q.to, rules),
    };
  }

  async search(officer: AuthUser, q: AuditEventsQuery): Promise<Page<AuditEventView>> {
    const limit = pageLimit(q.limit);
    const after = decodeCursor(q.cursor, ['instant', 'bigint']);
    const filter = this.filterOf(q);
    const page = await this.trail.page(filter, limit, after && [after[0], after[1]]);
    await this.audit.record({
      actorId: officer.id,
      actorKind: officer.kind,
      action: 'audit.search',
      outcome: 'success',
      details: { filters: filtersOf(q), results: page.items.length },
    });
    return {
      items: page.items.map(view),
      nextCursor: page.next ? encodeCursor([page.next[0], page.next[1]]) : null,
    };
  }

  /**
   * The matching entries as CSV, oldest first, streamed: keyset batches of EXPORT_BATCH_SIZE
   * are read only as fast as the client takes them (the response's backpressure pauses the
   * generator), so memory stays at about one batch whatever the trail's size. `from` and `to`
   * are required, at most 366 days apart. The export is audited before the first byte.
   */
  async exportCsv(officer: AuthUser, q: AuditEventsQuery): Promise<StreamableFile> {
    const filter = this.filterOf(q, { required: true, maxDays: MAX_EXPORT_DAYS });
    await this.audit.record({
      actorId: officer.id,
      actorKind: officer.kind,
      action: 'audit.export',
      outcome: 'success',
      details: { filters: filtersOf(q), format: 'csv' },
    });
    const stream = Readable.from(this.csv(filter), { objectMode: true, highWaterMark: 1 });
    return new StreamableFile(stream, {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="audit-events-${q.from}-to-${q.to}.csv"`,
    });
  }

  private async *csv(filter: AuditEventFilter): AsyncGenerator<string> {
    yield auditCsvHeader();
    for await (const batch of this.trail.batches(filter, EXPORT_BATCH_SIZE)) {
      yield batch.map(auditCsvLine).join('');
    }
  }
}
