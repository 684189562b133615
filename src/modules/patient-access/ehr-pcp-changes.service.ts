import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { notFound } from '../../common/errors/problem.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../../common/pagination/cursor.js';
import { Clock } from '../../common/time/clock.js';
import { isUuid } from '../../common/validation/uuid.js';
import { AuditService } from '../audit/index.js';
import { EhrPcpChangesRepository, type EhrPcpChangeStatus } from './ehr-pcp-changes.repository.js';
import { PatientsRepository } from './patients.repository.js';
import { inTransaction } from '../../database/sql.js';

export type { EhrPcpChangeStatus } from './ehr-pcp-changes.repository.js';

export interface EhrPcpChangeDto {
  id: string;
  mrn: string;
  pcpNpi: string;
  completedAt: string;
}

/**
 * The PCPs the MyPatients team set, sent back to the EHR (SPEC §7): each completed PCP update is a
 * change the EHR lists (`GET /integration/ehr/pcp-changes`) until it acknowledges it; meanwhile the
 * EHR feed keeps the team's PCP (`EhrFeedService`, `pcpHeld`).
 */
@Injectable()
export class EhrPcpChangesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: EhrPcpChangesRepository,
    private readonly patients: PatientsRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /**
   * Sets the patient's PCP as the team decided and records the change for the EHR, in the caller's
   * transaction (a completed PCP update). Throws 404 when there is no such patient.
   */
  async setPcpByTeam(
    manager: EntityManager,
    patientId: string,
    npi: string,
    requestId: string | null,
  ): Promise<{ changeId: string }> {
    if (!isUuid(patientId)) throw notFound('No such patient.');
    const now = this.clock.now();
    if (!(await this.patients.setPcp(patientId, npi, now, manager))) throw notFound('No such patient.');
    const { id } = await this.changes.insert(
      { patientId, pcpNpi: npi, completedAt: now, requestId },
      manager,
    );
    return { changeId: id };
  }

  /** True while a team PCP change for the patient is unacknowledged (the EHR feed must not overwrite it). */
  isPcpHeld(patientId: string, manager?: EntityManager): Promise<boolean> {
    return this.changes.hasPending(patientId, manager);
  }

  /** Unacknowledged team changes, the latest per MRN, oldest first. */
  async listPending(q: { limit?: number; cursor?: string }): Promise<Page<EhrPcpChangeDto>> {
    const limit = pageLimit(q.limit);
    const after = decodeCursor(q.cursor, ['instant', 'uuid']);
    const found = await this.changes.listPending(
      after ? { completedAt: after[0], id: after[1] } : undefined,
      limit + 1,
    );
    const page = toPage(found, limit, (c) => [c.completedAtCursor, c.id]);
    return {
      items: page.items.map((c) => ({
        id: c.id,
        mrn: c.mrn,
        pcpNpi: c.pcpNpi,
        completedAt: c.completedAt.toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** The EHR has the change: it (and any earlier one of that patient) is settled. Repeating is fine. */
  async acknowledge(id: string): Promise<{ id: string; acknowledged: true }> {
    if (!isUuid(id)) throw notFound('No such PCP change.');
    await inTransaction(this.dataSource, async (manager) => {
      const done = await this.changes.acknowledge(id, this.clock.now(), manager);
      if (!done) throw notFound('No such PCP change.');
      if (done.acknowledged > 0) {
        await this.audit.record(
          {
            actorId: null,
            actorKind: 'ehr',
            action: 'ehr.pcp_change_ack',
            patientId: done.patientId,
            outcome: 'success',
            details: { changeId: id, acknowledged: done.acknowledged },
          },
          manager,
        );
      }
    });
    return { id, acknowledged: true };
  }

  /** The EHR change (and its acknowledgement) of each of these PCP-update requests. */
  async forRequests(requestIds: string[], manager?: EntityManager): Promise<EhrPcpChangeStatus[]> {
    const valid = requestIds.filter((id) => isUuid(id));
    return valid.length ? this.changes.findByRequestIds(valid, manager) : [];
  }
}
