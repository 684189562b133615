import type { INestApplication } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../src/common/time/clock.js';
import { PracticesRepository } from '../../src/modules/identity/practices.repository.js';
import { type NewUser, UsersRepository } from '../../src/modules/identity/users.repository.js';
import { SponsorValidationsRepository } from '../../src/modules/sponsorship/sponsor-validations.repository.js';
import { validationWindow } from '../../src/modules/sponsorship/validation-period.js';
import { createUser, makeNpi, type UserOverrides, type UserRow } from './index.js';
import { openedData } from './notifications.js';

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
    users.push(
      await createUser(app, 'sponsored', {
        sponsorId: sponsor.id,
        practiceId: sponsor.practiceId,
        npi: null,
        ...overrides,
      }),
    );
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

export async function userState(
  ds: DataSource,
  id: string,
): Promise<{ status: string; lock_reason: string | null }> {
  const [row] = await ds.query('SELECT status, lock_reason FROM users WHERE id = $1', [id]);
  return row;
}

const GLOBALS = {
  portalUrl: 'https://portal.test',
  teamEmail: 'team@mypatients.test',
  teamPhone: '617-555-0199',
};

/**
 * Renders a recorded notification with its template in Handlebars strict mode, as the sender
 * will: fails when the data lacks a variable the template uses. Returns subject and text.
 */
export function renderNotification(row: Pick<NotificationRow, 'template' | 'data'>): {
  subject: string;
  text: string;
  html: string;
} {
  const part = (kind: string) => {
    const source = readFileSync(join(process.cwd(), 'templates', `${row.template}.${kind}.hbs`), 'utf8');
    // One-time tokens are sealed at rest: opened as the sender does before rendering.
    return Handlebars.compile(source, { strict: true })({ ...GLOBALS, ...openedData(row.data) });
  };
  return { subject: part('subject'), text: part('text'), html: part('html') };
}

/**
 * `sponsors` active sponsors, each with `usersEach` active sponsored users, in one new practice,
 * through identity's repositories. Takes a DataSource, or `{ driver: { master: client } }` in tests
 * that run the app in another process (the toolkit only needs the pg connection). Returns the sponsor ids in id order
 * (the order the jobs work in).
 */
export async function seedSponsors(ds: DataSource, sponsors: number, usersEach: number): Promise<string[]> {
  const db = ds as unknown as EntityManager; // the repositories only need its connection
  const users = new UsersRepository(ds);
  const tag = Math.random().toString(36).slice(2, 10);
  const now = new Date();
  const practiceId = await new PracticesRepository(ds).insert(
    {
      name: `Seed ${tag}`,
      address: '1 Main St',
      city: 'Boston',
      phone: '617-555-0100',
      fax: '617-555-0101',
      createdAt: now,
    },
    db,
  );
  const insert = async (user: Omit<NewUser, 'passwordHash' | 'status' | 'now'>): Promise<string> => {
    const created = await users.insert({ ...user, passwordHash: null, status: 'active', now }, db);
    if (!created) throw new Error(`seed account ${user.email} already exists`);
    return created.id;
  };
  const ids: string[] = [];
  for (let g = 1; g <= sponsors; g++) {
    const sponsorId = await insert({
      kind: 'provider',
      email: `sponsor-${tag}-${g}@seed.test`,
      firstName: 'Sponsor',
      lastName: `N${g}`,
      npi: makeNpi(),
      practiceId,
      isSponsor: true,
    });
    for (let k = 1; k <= usersEach; k++) {
      await insert({
        kind: 'sponsored',
        email: `su-${sponsorId}-${k}@seed.test`,
        firstName: 'Member',
        lastName: `M${k}`,
        practiceId,
        sponsorId,
        sponsoredRole: 'other',
      });
    }
    ids.push(sponsorId);
  }
  return ids.sort();
}

/**
 * An open validation of `sponsor` listing `users`, as the open job writes it (period of `asOf`,
 * due 30 days later), through sponsorship's repository. Returns its id.
 */
export async function openValidation(
  app: INestApplication,
  sponsor: { id: string },
  users: Array<{ id: string }>,
  asOf: string,
): Promise<string> {
  const window = validationWindow(asOf);
  return app.get(SponsorValidationsRepository).insert({
    sponsorId: sponsor.id,
    period: window.period,
    openedAt: app.get(Clock).now(),
    dueDate: window.dueDate,
    dueAt: window.dueAt,
    userIds: users.map((u) => u.id),
  });
}
