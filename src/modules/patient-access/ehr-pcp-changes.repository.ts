import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, one, returning, rows } from '../../database/sql.js';

/** A team PCP change as the EHR reads it. */
export interface EhrPcpChangeItem {
  id: string;
  mrn: string;
  pcpNpi: string;
  completedAt: Date;
  /** `completedAt` at full precision, for the cursor. */
  completedAtCursor: string;
}

/** Where the EHR stands on the change a PCP-update request made. */
export interface EhrPcpChangeStatus {
  id: string;
  requestId: string;
  acknowledgedAt: Date | null;
}

interface ItemRow {
  id: string;
  mrn: string;
  pcp_npi: string;
  completed_at: Date;
  completed_at_cursor: string;
}

/** Team PCP changes to send to the EHR (table `ehr_pcp_changes`). */
@Injectable()
export class EhrPcpChangesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    c: { patientId: string; pcpNpi: string; completedAt: Date; requestId: string | null },
    manager?: EntityManager,
  ) {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO ehr_pcp_changes (patient_id, pcp_npi, completed_at, request_id) VALUES ($1, $2, $3, $4) RETURNING id`,
      [c.patientId, c.pcpNpi, c.completedAt, c.requestId],
    );
    return row;
  }

  /** True while a team change for the patient awaits the EHR's acknowledgement. */
  async hasPending(patientId: string, manager?: EntityManager): Promise<boolean> {
    const row = await one<{ id: string }>(
      on(this.dataSource, manager),
      `SELECT id FROM ehr_pcp_changes WHERE patient_id = $1 AND acknowledged_at IS NULL LIMIT 1`,
      [patientId],
    );
    return row !== undefined;
  }

  /** The latest unacknowledged change per patient, oldest first, after the keyset position. */
  async listPending(
    after: { completedAt: string; id: string } | undefined,
    take: number,
    manager?: EntityManager,
  ): Promise<EhrPcpChangeItem[]> {
    const params: unknown[] = [take];
    let where = '';
    if (after) {
      params.push(after.completedAt, after.id);
      where = `WHERE (l.completed_at, l.id) > ($2::timestamptz, $3::uuid)`;
    }
    const found = await rows<ItemRow>(
      on(this.dataSource, manager),
      `SELECT l.id, p.mrn, l.pcp_npi, l.completed_at, ${cursorAtSql('l.completed_at')} AS completed_at_cursor
         FROM (SELECT DISTINCT ON (c.patient_id) c.id, c.patient_id, c.pcp_npi, c.completed_at
                 FROM ehr_pcp_changes c WHERE c.acknowledged_at IS NULL
                ORDER BY c.patient_id, c.completed_at DESC, c.id DESC) l
         JOIN patients p ON p.id = l.patient_id
        ${where}
        ORDER BY l.completed_at, l.id
        LIMIT $1`,
      params,
    );
    return found.map((r) => ({
      id: r.id,
      mrn: r.mrn,
      pcpNpi: r.pcp_npi,
      completedAt: r.completed_at,
      completedAtCursor: r.completed_at_cursor,
    }));
  }

  /**
   * Acknowledges the change and every earlier unacknowledged one of the same patient (the EHR has
   * the latest, so the older ones are settled too). `undefined`: no such change.
   */
  async acknowledge(
    id: string,
    at: Date,
    manager?: EntityManager,
  ): Promise<{ patientId: string; acknowledged: number } | undefined> {
    const change = await one<{ patient_id: string; completed_at: Date }>(
      on(this.dataSource, manager),
      `SELECT patient_id, completed_at FROM ehr_pcp_changes WHERE id = $1`,
      [id],
    );
    if (!change) return undefined;
    const done = await returning<{ id: string }>(
      on(this.dataSource, manager),
      `UPDATE ehr_pcp_changes SET acknowledged_at = $3
        WHERE patient_id = $1 AND acknowledged_at IS NULL AND (completed_at <= $2 OR id = $4)
        RETURNING id`,
      [change.patient_id, change.completed_at, at, id],
    );
    return { patientId: change.patient_id, acknowledged: done.length };
  }

  /** The change each of these requests made, if any. */
  async findByRequestIds(requestIds: string[], manager?: EntityManager): Promise<EhrPcpChangeStatus[]> {
    const found = await rows<{ id: string; request_id: string; acknowledged_at: Date | null }>(
      on(this.dataSource, manager),
      `SELECT id, request_id, acknowledged_at FROM ehr_pcp_changes WHERE request_id = ANY($1::uuid[])`,
      [requestIds],
    );
    return found.map((r) => ({ id: r.id, requestId: r.request_id, acknowledgedAt: r.acknowledged_at }));
  }
}
