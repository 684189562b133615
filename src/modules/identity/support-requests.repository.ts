import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, one, rows } from '../../database/sql.js';
import type { ScreenshotType } from './screenshot.js';

export interface NewSupportRequest {
  userId: string;
  loginEmail: string;
  name: string;
  description: string;
  screenshot: { bytes: Buffer; type: ScreenshotType } | null;
  dueAt: Date;
  createdAt: Date;
}

/** A support request as the staff queue lists it (never the screenshot bytes). */
export interface SupportRequestSummary {
  id: string;
  userId: string;
  loginEmail: string;
  name: string;
  description: string;
  hasScreenshot: boolean;
  status: string;
  createdAt: Date;
  dueAt: Date;
  /** Full-precision `created_at` text for the page cursor. */
  cursorAt: string;
}

interface SummaryRow {
  id: string;
  user_id: string;
  login_email: string;
  name: string;
  description: string;
  screenshot_type: string | null;
  status: string;
  created_at: Date;
  due_at: Date;
  cursor_at: string;
}

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

  /** Newest first, `limit` rows after the keyset `(createdAt, id)` when given. */
  async page(after: readonly [string, string] | null, limit: number, manager?: EntityManager): Promise<SupportRequestSummary[]> {
    const found = await rows<SummaryRow>(
      on(this.dataSource, manager),
      `SELECT id, user_id, login_email, name, description, screenshot_type, due_at, status, created_at,
              ${cursorAtSql('created_at')} AS cursor_at
         FROM support_requests
        WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return found.map(toSummary);
  }

  async findScreenshot(id: string, manager?: EntityManager): Promise<{ bytes: Buffer; type: string } | undefined> {
    const row = await one<{ screenshot: Buffer | null; screenshot_type: string | null }>(
      on(this.dataSource, manager),
      'SELECT screenshot, screenshot_type FROM support_requests WHERE id = $1',
      [id],
    );
    return row?.screenshot && row.screenshot_type ? { bytes: row.screenshot, type: row.screenshot_type } : undefined;
  }

  /** One request as the queue shows it. */
  async findById(id: string, manager?: EntityManager): Promise<SupportRequestSummary | undefined> {
    const row = await one<SummaryRow>(
      on(this.dataSource, manager),
      `SELECT id, user_id, login_email, name, description, screenshot_type, due_at, status, created_at,
              ${cursorAtSql('created_at')} AS cursor_at
         FROM support_requests WHERE id = $1`,
      [id],
    );
    return row && toSummary(row);
  }
}
