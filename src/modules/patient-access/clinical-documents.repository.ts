import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { preparedQuery } from '../../database/prepared-query.js';
import { on, rows } from '../../database/sql.js';
import type { Confidentiality, DocumentBody, DocumentCategory } from './entities/clinical-document.entity.js';

/** Only these are ever shown to a `/patients*` caller (R and V are withheld, API.md v1.1). */
export const SHOWN_CONFIDENTIALITY_SQL = `'N'`;

export interface ClinicalDocumentRow {
  id: string;
  category: DocumentCategory;
  occurredAt: Date;
  title: string;
  body: DocumentBody;
  confidentiality: 'N';
  /** The keyset position (occurred_at at full precision). */
  cursorAt: string;
}

export interface DocumentInput {
  externalId: string;
  category: DocumentCategory;
  /** ISO 8601 instant */
  occurredAt: string;
  title: string;
  body: DocumentBody;
  /** Default `N`. */
  confidentiality?: Confidentiality;
}

/** A patient's clinical documents (table `clinical_documents`). */
@Injectable()
export class ClinicalDocumentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The documents a viewer may be shown (confidentiality `N` only, whatever the filter or cursor),
   * newest first, `limit` rows after the keyset `after` ([occurredAt, id]).
   */
  list(
    patientId: string,
    f: { category?: DocumentCategory; after: [string, string] | null; limit: number },
    manager?: EntityManager,
  ): Promise<ClinicalDocumentRow[]> {
    const params: unknown[] = [patientId];
    let filter = '';
    if (f.category) {
      params.push(f.category);
      filter += ` AND d.category = $${params.length}`;
    }
    if (f.after) {
      params.push(f.after[0], f.after[1]);
      filter += ` AND (d.occurred_at, d.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(f.limit);
    const sql = `SELECT d.id, d.category, d.occurred_at AS "occurredAt", d.title, d.body, d.confidentiality,
              ${cursorAtSql('d.occurred_at')} AS "cursorAt"
         FROM clinical_documents d
        WHERE d.patient_id = $1 AND d.confidentiality = ${SHOWN_CONFIDENTIALITY_SQL}${filter}
        ORDER BY d.occurred_at DESC, d.id DESC
        LIMIT $${params.length}`;
    // A record view's read: prepared (one statement name per filter/cursor variant of the text).
    if (!manager) {
      const name = `clinical-documents-page${f.category ? '-category' : ''}${f.after ? '-after' : ''}`;
      return preparedQuery<ClinicalDocumentRow & Record<string, unknown>>(this.dataSource, name, sql, params);
    }
    return rows(manager, sql, params);
  }

  /** How many of the record's documents are withheld (R, V): the record's total, whatever is listed. */
  async withheldCount(patientId: string, manager?: EntityManager): Promise<number> {
    const sql = `SELECT count(*)::int AS n FROM clinical_documents WHERE patient_id = $1 AND confidentiality <> ${SHOWN_CONFIDENTIALITY_SQL}`;
    const [row] = manager
      ? await rows<{ n: number }>(manager, sql, [patientId])
      : await preparedQuery<{ n: number }>(this.dataSource, 'clinical-documents-withheld', sql, [patientId]);
    return row?.n ?? 0;
  }

  /** Of these external ids, those filed under a patient other than `patientId`. */
  async externalIdsOfOthers(
    externalIds: string[],
    patientId: string,
    manager?: EntityManager,
  ): Promise<string[]> {
    const list = await rows<{ external_id: string }>(
      on(this.dataSource, manager),
      `SELECT external_id FROM clinical_documents WHERE external_id = ANY($1::varchar[]) AND patient_id <> $2`,
      [externalIds, patientId],
    );
    return list.map((r) => r.external_id);
  }

  /**
   * Inserts or updates the documents by external id, one statement; a document already filed under
   * another patient is left alone (not counted). Returns how many were written.
   */
  async upsertMany(
    patientId: string,
    docs: DocumentInput[],
    now: Date,
    manager?: EntityManager,
  ): Promise<number> {
    const written = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO clinical_documents (patient_id, external_id, category, occurred_at, title, body, confidentiality, created_at, updated_at)
       SELECT $1, d.external_id, d.category, d.occurred_at, d.title, d.body, d.confidentiality, $7, $7
         FROM unnest($2::varchar[], $3::varchar[], $4::timestamptz[], $5::varchar[], $6::jsonb[], $8::varchar[])
              AS d(external_id, category, occurred_at, title, body, confidentiality)
       ON CONFLICT (external_id) DO UPDATE SET
         category = EXCLUDED.category, occurred_at = EXCLUDED.occurred_at, title = EXCLUDED.title,
         body = EXCLUDED.body, confidentiality = EXCLUDED.confidentiality, updated_at = EXCLUDED.updated_at
       WHERE clinical_documents.patient_id = EXCLUDED.patient_id
       RETURNING id`,
      [
        patientId,
        docs.map((d) => d.externalId),
        docs.map((d) => d.category),
        docs.map((d) => d.occurredAt),
        docs.map((d) => d.title),
        // JSON text per body: a string becomes a JSON string, an object a JSON object.
        docs.map((d) => JSON.stringify(d.body)),
        now,
        docs.map((d) => d.confidentiality ?? 'N'),
      ],
    );
    return written.length;
  }
}
