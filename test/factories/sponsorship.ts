import type { INestApplication } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createUser, type UserOverrides, type UserRow } from './index.js';

/** An active provider enrolled as sponsor (directly in the database). */
export function createSponsor(app: INestApplication, overrides: UserOverrides = {}): Promise<UserRow> {
  return createUser(app, 'provider', { isSponsor: true, ...overrides });
}

/** `count` sponsored users of `sponsor` in its practice (active unless overridden). */
export async function createSponsoredUsers(
  app: INestApplication,
  sponsor: UserRow,
  count: number,
  overrides: UserOverrides = {},
): Promise<UserRow[]> {
  const users: UserRow[] = [];
  for (let i = 0; i < count; i++) {
    users.push(await createUser(app, 'sponsored', { sponsorId: sponsor.id, practiceId: sponsor.practiceId, npi: null, ...overrides }));
  }
  return users;
}

export interface NotificationRow {
  id: string;
  template: string;
  recipient: string;
  data: Record<string, unknown>;
  idempotency_key: string;
}

export async function notifications(ds: DataSource, template?: string): Promise<NotificationRow[]> {
  return ds.query(
    `SELECT id, template, recipient, data, idempotency_key FROM notifications
      WHERE ($1::text IS NULL OR template = $1) ORDER BY created_at, recipient`,
    [template ?? null],
  );
}

export async function userState(ds: DataSource, id: string): Promise<{ status: string; lock_reason: string | null }> {
  const [row] = await ds.query('SELECT status, lock_reason FROM users WHERE id = $1', [id]);
  return row;
}

const GLOBALS = { portalUrl: 'https://portal.test', teamEmail: 'team@mypatients.test', teamPhone: '617-555-0199' };

/**
 * Renders a recorded notification with its template in Handlebars strict mode, as the sender
 * will: fails when the data lacks a variable the template uses. Returns subject and text.
 */
export function renderNotification(row: Pick<NotificationRow, 'template' | 'data'>): { subject: string; text: string; html: string } {
  const part = (kind: string) => {
    const source = readFileSync(join(process.cwd(), 'templates', `${row.template}.${kind}.hbs`), 'utf8');
    return Handlebars.compile(source, { strict: true })({ ...GLOBALS, ...row.data });
  };
  return { subject: part('subject'), text: part('text'), html: part('html') };
}

/**
 * Set-based: `sponsors` active sponsors, each with `usersEach` active sponsored users, in one new
 * practice. Returns the sponsor ids in id order (the order the jobs work in).
 */
export async function seedSponsors(ds: DataSource, sponsors: number, usersEach: number): Promise<string[]> {
  const tag = Math.random().toString(36).slice(2, 10);
  const [practice] = await ds.query(
    `INSERT INTO practices (name, search_name, address, city, phone, fax)
     VALUES ($1::varchar, lower($1::varchar), '1 Main St', 'Boston', '617-555-0100', '617-555-0101') RETURNING id`,
    [`Seed ${tag}`],
  );
  const rows: Array<{ id: string }> = await ds.query(
    `INSERT INTO users (kind, email, first_name, last_name, npi, practice_id, is_sponsor, status)
     SELECT 'provider', 'sponsor-' || $2 || '-' || g || '@seed.test', 'Sponsor', 'N' || g,
            lpad(($4::bigint + g)::text, 9, '0') || '0', $1, true, 'active'
       FROM generate_series(1, $3::int) g
     RETURNING id`,
    [practice.id, tag, sponsors, Math.floor(Math.random() * 8e8)],
  );
  await ds.query(
    `INSERT INTO users (kind, email, first_name, last_name, practice_id, sponsor_id, sponsored_role, status)
     SELECT 'sponsored', 'su-' || s.id || '-' || g || '@seed.test', 'Member', 'M' || g, $1, s.id, 'other', 'active'
       FROM unnest($2::uuid[]) AS s(id), generate_series(1, $3::int) g`,
    [practice.id, rows.map((r) => r.id), usersEach],
  );
  return rows.map((r) => r.id).sort();
}
