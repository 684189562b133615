import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, one, returning, rows } from '../../database/sql.js';
import type { ScreenshotType } from './screenshot.js';

export type SupportStatus = 'open' | 'answered' | 'closed';

export interface NewSupportRequest {
  /** Null when sent signed out. */
  userId: string | null;
  loginEmail: string;
  name: string;
  description: string;
  screenshot: { bytes: Buffer; type: ScreenshotType } | null;
  dueAt: Date;
  createdAt: Date;
}

export interface SupportReply {
  at: string;
  from: 'team' | 'requester';
  message: string;
  /** The staff member who wrote a team reply. */
  staffId?: string;
}

/** A support request as the queues show it (never the screenshot bytes). */
export interface SupportRequestSummary {
  id: string;
  userId: string | null;
  loginEmail: string;
  name: string;
  description: string;
  hasScreenshot: boolean;
  status: SupportStatus;
  createdAt: Date;
  dueAt: Date;
  replies: SupportReply[];
  /** Full-precision `created_at` text for the page cursor. */
  cursorAt: string;
}

export interface SupportQueueFilter {
  status?: SupportStatus;
  /** true: open and past due; false: all others. */
  overdue?: boolean;
  now: Date;
}

interface SummaryRow {
  id: string;
  user_id: string | null;
  login_email: string;
  name: string;
  description: string;
  screenshot_type: string | null;
  status: SupportStatus;
  created_at: Date;
  due_at: Date;
  replies: SupportReply[];
  cursor_at: string;
}

const SUMMARY_COLUMNS = `id, user_id, login_email, name, description, screenshot_type, due_at, status, created_at, replies,
              ${cursorAtSql('created_at')} AS cursor_at`;

const toSummary = (r: SummaryRow): SupportRequestSummary => ({
  id: r.id,
  userId: r.user_id,
  loginEmail: r.login_email,
  name: r.name,
  description: r.description,
  hasScreenshot: r.screenshot_type !== null,
  status: r.status,
  createdAt: r.created_at,
  dueAt: r.due_at,
  replies: r.replies ?? [],
  cursorAt: r.cursor_at,
});

/** SQL of `support_requests`. */
@Injectable()
export class SupportRequestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(request: NewSupportRequest, manager?: EntityManager): Promise<string> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO support_requests (user_id, login_email, name, description, screenshot, screenshot_type, due_at, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id`,
      [
        request.userId,
        request.loginEmail,
        request.name,
        request.description,
        request.screenshot?.bytes ?? null,
        request.screenshot?.type ?? null,
        request.dueAt,
        request.createdAt,
      ],
    );
    return row.id;
  }

  /** The staff queue, newest first, `limit` rows after the keyset `(createdAt, id)` when given. */
  async page(
    filter: SupportQueueFilter,
    after: readonly [string, string] | null,
    limit: number,
    manager?: EntityManager,
  ): Promise<SupportRequestSummary[]> {
    const found = await rows<SummaryRow>(
      on(this.dataSource, manager),
      `SELECT ${SUMMARY_COLUMNS}
         FROM support_requests
        WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid))
          AND ($4::text IS NULL OR status = $4)
          AND ($5::boolean IS NULL OR (status = 'open' AND due_at < $6) = $5)
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [
        after?.[0] ?? null,
        after?.[1] ?? null,
        limit,
        filter.status ?? null,
        filter.overdue ?? null,
        filter.now,
      ],
    );
    return found.map(toSummary);
  }

  /** The requests an account made while signed in, newest first. */
  async pageOfUser(
    userId: string,
    after: readonly [string, string] | null,
    limit: number,
    manager?: EntityManager,
  ): Promise<SupportRequestSummary[]> {
    const found = await rows<SummaryRow>(
      on(this.dataSource, manager),
      `SELECT ${SUMMARY_COLUMNS}
         FROM support_requests
        WHERE user_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [userId, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return found.map(toSummary);
  }

  async findScreenshot(
    id: string,
    manager?: EntityManager,
  ): Promise<{ bytes: Buffer; type: string } | undefined> {
    const row = await one<{ screenshot: Buffer | null; screenshot_type: string | null }>(
      on(this.dataSource, manager),
      'SELECT screenshot, screenshot_type FROM support_requests WHERE id = $1',
      [id],
    );
    return row?.screenshot && row.screenshot_type
      ? { bytes: row.screenshot, type: row.screenshot_type }
      : undefined;
  }

  /** One request as the queue shows it; `forUpdate` row-locks it (inside a transaction). */
  async findById(
    id: string,
    manager?: EntityManager,
    forUpdate = false,
  ): Promise<SupportRequestSummary | undefined> {
    const row = await one<SummaryRow>(
      on(this.dataSource, manager),
      `SELECT ${SUMMARY_COLUMNS} FROM support_requests WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return row && toSummary(row);
  }

  /** Appends a reply and sets the status (`answered` or `closed`). */
  async addReply(
    id: string,
    reply: SupportReply,
    status: 'answered' | 'closed',
    now: Date,
    manager?: EntityManager,
  ): Promise<void> {
    await returning(
      on(this.dataSource, manager),
      `UPDATE support_requests
          SET replies = replies || jsonb_build_array($2::jsonb), status = $3::varchar,
              answered_at = COALESCE(answered_at, $4::timestamptz), closed_at = CASE WHEN $3::varchar = 'closed' THEN $4::timestamptz ELSE closed_at END
        WHERE id = $1 RETURNING id`,
      [id, JSON.stringify(reply), status, now],
    );
  }

  /** Closes a request that is not closed; false when it already was (or does not exist). */
  async close(id: string, now: Date, manager?: EntityManager): Promise<boolean> {
    const closed = await returning<{ id: string }>(
      on(this.dataSource, manager),
      `UPDATE support_requests SET status = 'closed', closed_at = $2 WHERE id = $1 AND status <> 'closed' RETURNING id`,
      [id, now],
    );
    return closed.length > 0;
  }
}
