import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { inTransaction } from '../src/database/sql.js';
import {
  BULK_DEFERRAL_MAX_MS,
  NotificationsRelay,
} from '../src/modules/notifications/notifications.relay.js';
import { NotificationsService } from '../src/modules/notifications/notifications.service.js';
import { createUser, tokenFor } from './factories/index.js';
import { notificationRow, recordNotification, waitForStatus } from './factories/notifications.js';
import { createTestApp, type TestContext } from './support/test-app.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

jest.setTimeout(30_000);

describe('notifications: outbox, delivery over SMTP, retries, staff view', () => {
  let t: TestContext;
  let staffToken: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        // A long sweep: prompt delivery below can only come from LISTEN/NOTIFY on commit.
        NOTIFICATION_SWEEP_MS: '60000',
        NOTIFICATION_ATTEMPTS: '3',
        NOTIFICATION_BACKOFF_MS: '100',
      },
    });
    staffToken = await tokenFor(t.app, await createUser(t.app, 'staff'));
  });
  afterAll(() => t.close());
  beforeEach(() => t.smtp.clear());

  const staff = (req: ReturnType<ReturnType<TestContext['http']>['get']>) =>
    req.set('authorization', `Bearer ${staffToken}`);

  it('sends a committed notification promptly over SMTP, rendered with layout and footer, and marks it sent', async () => {
    const started = Date.now();
    const id = await recordNotification(t.app, {
      to: 'Lead@Example.test',
      data: { template: 'access-granted', attempts: 10, lastError: '421 <b>busy</b>' },
    });
    const mail = await t.smtp.waitForTo('lead@example.test', 'could not be delivered', 5000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(mail.messageId).toBe(`<${id}@mypatients>`);
    expect(mail.from).toBe('no-reply@mypatients.test');
    expect(mail.subject).toBe('MyPatients: an email could not be delivered');
    // Plain text: variables unescaped, the link to the portal and the team's contact in the footer.
    expect(mail.text).toContain(
      'An email of type "access-granted" could not be delivered after 10 attempts.',
    );
    expect(mail.text).toContain('Last error: 421 <b>busy</b>');
    expect(mail.text).toContain('https://portal.test/staff/notifications?status=failed');
    expect(mail.text).toContain('team@mypatients.test');
    expect(mail.text).toContain('617 919 2284');
    // HTML: inside the shared layout, variables escaped, same footer.
    expect(mail.html).toMatch(/^<!DOCTYPE html>/);
    expect(mail.html).toContain('<strong>access-granted</strong>');
    expect(mail.html).toContain('421 &lt;b&gt;busy&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>busy</b>');
    expect(mail.html).toContain('href="mailto:team@mypatients.test"');
    expect(mail.html).toContain('617 919 2284');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');

    const row = await waitForStatus(t.app, id, 'sent');
    expect(row).toMatchObject({ attempts: 1, lastError: null });
    expect(row.sentAt?.toISOString()).toBe('2026-11-16T15:00:00.000Z');
    expect(row.queuedAt).not.toBeNull();
  });

  it('forgets the one-time token a notification carried once the email is sent', async () => {
    const token = 'Zm9vYmFyEXAMPLEtokenAbCdEfGhIjKlMnOpQrStUv';
    const id = await recordNotification(t.app, {
      template: 'password-reset',
      to: 'reset@example.test',
      data: { firstName: 'Jane', token, expiresInMinutes: 60 },
    });
    const mail = await t.smtp.waitForTo('reset@example.test', undefined, 5000);
    expect(mail.text).toContain(`https://portal.test/reset-password?token=${token}`);
    await waitForStatus(t.app, id, 'sent');
    const [row] = await t.dataSource.query('SELECT data FROM notifications WHERE id = $1', [id]);
    expect(row.data).toEqual({ firstName: 'Jane', expiresInMinutes: 60 });
  });

  it('never sends a notification whose transaction rolled back', async () => {
    const ds = t.app.get(DataSource);
    const service = t.app.get(NotificationsService);
    // inTransaction, as the services open theirs.
    await expect(
      inTransaction(ds, async (manager) => {
        await service.record(manager, {
          template: 'delivery-failed',
          to: 'rolled-back@example.test',
          data: { template: 'x', attempts: 1, lastError: 'x' },
          idempotencyKey: 'test:rolled-back',
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const witness = await recordNotification(t.app, { to: 'after-rollback@example.test' });
    await waitForStatus(t.app, witness, 'sent');
    expect(t.smtp.to('rolled-back@example.test')).toHaveLength(0);
    expect(
      await ds.query(`SELECT 1 FROM notifications WHERE idempotency_key = 'test:rolled-back'`),
    ).toHaveLength(0);
    // Each rolled-back transaction gives its connection back: more failures than the pool holds (20), then a query.
    for (let i = 0; i < 25; i++) {
      await expect(inTransaction(ds, () => Promise.reject(new Error(`failure ${i}`)))).rejects.toThrow(
        `failure ${i}`,
      );
    }
    expect(await ds.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('records and sends once per idempotency key', async () => {
    const first = await recordNotification(t.app, { to: 'once@example.test', idempotencyKey: 'test:once' });
    const ds = t.app.get(DataSource);
    const second = await ds.transaction((m) =>
      t.app.get(NotificationsService).record(m, {
        template: 'delivery-failed',
        to: 'once@example.test',
        data: { template: 'x', attempts: 1, lastError: 'x' },
        idempotencyKey: 'test:once',
      }),
    );
    expect(second).toBeNull();
    await waitForStatus(t.app, first, 'sent');
    await sleep(300);
    expect(t.smtp.to('once@example.test')).toHaveLength(1);
  });

  it('holds delivery back while a bulk job records, and sends what waited as soon as it ends', async () => {
    let during = '';
    await t.app.get(NotificationsService).whileBulkRecording(async () => {
      during = await recordNotification(t.app, { to: 'during-bulk@example.test' });
      // The commit woke the relay, which looks again every 250 ms meanwhile: it must leave the row alone.
      await sleep(1200);
      expect((await notificationRow(t.app, during)).status).toBe('pending');
    });
    const ended = Date.now();
    // The sweep is a minute away: prompt delivery comes from the job's end waking the relay.
    await t.smtp.waitForTo('during-bulk@example.test', undefined, 5000);
    expect(Date.now() - ended).toBeLessThan(5000);
    await waitForStatus(t.app, during, 'sent');
  });

  it('relays anyway once a bulk job has held delivery for the longest deferral', async () => {
    const relay = t.app.get(NotificationsRelay);
    relay.maxBulkDeferralMs = 500;
    try {
      await t.app.get(NotificationsService).whileBulkRecording(async () => {
        const id = await recordNotification(t.app, { to: 'overdue-bulk@example.test' });
        expect((await waitForStatus(t.app, id, 'sent', 5000)).status).toBe('sent');
      });
    } finally {
      relay.maxBulkDeferralMs = BULK_DEFERRAL_MAX_MS;
    }
  });

  it('retries while the SMTP server refuses, then delivers exactly once', async () => {
    t.smtp.refuse(2);
    const id = await recordNotification(t.app, { to: 'flaky@example.test' });
    const row = await waitForStatus(t.app, id, 'sent');
    expect(row.attempts).toBe(3);
    expect(row.lastError).toMatch(/451/);
    await sleep(300);
    const received = t.smtp.to('flaky@example.test');
    expect(received).toHaveLength(1);
    expect(received[0].messageId).toBe(`<${id}@mypatients>`);
  });

  it('marks a notification failed after the last attempt and staff can send it again', async () => {
    t.smtp.refuse(3);
    const id = await recordNotification(t.app, { to: 'unlucky@example.test' });
    const failed = await waitForStatus(t.app, id, 'failed');
    expect(failed.attempts).toBe(3);
    expect(failed.failedAt).not.toBeNull();
    expect(t.smtp.to('unlucky@example.test')).toHaveLength(0);

    const list = await staff(t.http().get('/api/v1/staff/notifications?status=failed')).expect(200);
    expect(list.body.items.map((n: { id: string }) => n.id)).toContain(id);
    expect(list.body.counts.failed).toBeGreaterThanOrEqual(1);
    const item = list.body.items.find((n: { id: string }) => n.id === id);
    expect(item).toMatchObject({
      template: 'delivery-failed',
      recipient: 'unlucky@example.test',
      status: 'failed',
      attempts: 3,
    });
    expect(item.data).toBeUndefined(); // data carries action tokens: never shown

    const retried = await staff(t.http().post(`/api/v1/staff/notifications/${id}/retry`)).expect(202);
    expect(retried.body).toMatchObject({ id, status: 'pending' });
    const mail = await t.smtp.waitForTo('unlucky@example.test');
    expect(mail.messageId).toBe(`<${id}@mypatients>`);
    const sent = await waitForStatus(t.app, id, 'sent');
    expect(sent.attempts).toBe(4);
    const audit = await t.dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'staff.notification_retry'`,
    );
    expect(audit.map((a: { details: { notificationId: string } }) => a.details.notificationId)).toContain(id);

    // A second retry of a sent notification is a conflict, not a second email.
    const again = await staff(t.http().post(`/api/v1/staff/notifications/${id}/retry`)).expect(409);
    expect(again.body.code).toBe('notification_not_failed');
  });

  it('fails at once, without retrying for hours, on a permanent SMTP refusal (5xx)', async () => {
    t.smtp.refuse(1, 550);
    const id = await recordNotification(t.app, { to: 'nobody@example.test' });
    const row = await waitForStatus(t.app, id, 'failed');
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/550/);
  });

  it('fails at once when the template cannot render (strict mode: a missing variable is an error) and tells the team once an hour', async () => {
    const missing = await recordNotification(t.app, {
      to: 'strict@example.test',
      data: { template: 'x', attempts: 1 },
    });
    const unknown = await recordNotification(t.app, {
      template: 'no-such-template',
      to: 'unknown@example.test',
      data: {},
    });
    const a = await waitForStatus(t.app, missing, 'failed');
    expect(a.attempts).toBe(1);
    expect(a.lastError).toMatch(/lastError/);
    const b = await waitForStatus(t.app, unknown, 'failed');
    expect(b.attempts).toBe(1);
    expect(b.lastError).toMatch(/unknown template "no-such-template"/);
    expect(t.smtp.to('strict@example.test')).toHaveLength(0);

    // The team hears of a final failure (the alert is a notification like any other)…
    const alert = await t.smtp.waitForTo('team@mypatients.test', 'could not be delivered');
    expect(alert.text).toContain(
      'An email of type "no-such-template" could not be delivered after 1 attempts.',
    );
    expect(alert.text).toContain('https://portal.test/staff/notifications?status=failed');
    // …at most once an hour, and never about a failed alert (no loop).
    const another = await recordNotification(t.app, {
      template: 'no-such-template',
      to: 'unknown2@example.test',
      data: {},
    });
    await waitForStatus(t.app, another, 'failed');
    t.clock.advance(60 * 60 * 1000);
    const nextHour = await recordNotification(t.app, {
      template: 'no-such-template',
      to: 'unknown3@example.test',
      data: {},
    });
    await waitForStatus(t.app, nextHour, 'failed');
    await t.smtp.waitFor((m) => m.to.includes('team@mypatients.test') && m !== alert);
    await sleep(300);
    expect(t.smtp.to('team@mypatients.test')).toHaveLength(2);
    const [{ count }] = await t.dataSource.query(
      `SELECT count(*)::int AS count FROM notifications WHERE template = 'delivery-failed' AND recipient = 'team@mypatients.test'`,
    );
    expect(count).toBe(2);
  });

  it('delivers every notification exactly once with two instances relaying and sending', async () => {
    await t.startAnotherInstance();
    {
      const ids = await Promise.all(
        Array.from({ length: 40 }, (_, i) => recordNotification(t.app, { to: `multi-${i}@example.test` })),
      );
      for (const id of ids) await waitForStatus(t.app, id, 'sent');
      await sleep(300);
      const ids2 = new Set(ids.map((id) => `<${id}@mypatients>`));
      const received = t.smtp.messages.filter((m) => ids2.has(m.messageId));
      expect(received).toHaveLength(40);
      expect(new Set(received.map((m) => m.messageId)).size).toBe(40);
    }
  });

  describe('GET /api/v1/staff/notifications', () => {
    it('pages newest first with a cursor and gives counts by status', async () => {
      for (let i = 0; i < 5; i++) {
        t.clock.advance(1000);
        await recordNotification(t.app, { to: `page-${i}@example.test` });
      }
      const first = await staff(t.http().get('/api/v1/staff/notifications?limit=2')).expect(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.items[0].recipient).toBe('page-4@example.test');
      expect(first.body.items[1].recipient).toBe('page-3@example.test');
      expect(typeof first.body.nextCursor).toBe('string');
      expect(Object.keys(first.body.counts).sort()).toEqual(['failed', 'pending', 'queued', 'sent']);
      const total = Object.values(first.body.counts as Record<string, number>).reduce((a, b) => a + b, 0);
      const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM notifications');
      expect(total).toBe(count);

      const second = await staff(
        t.http().get(`/api/v1/staff/notifications?limit=2&cursor=${first.body.nextCursor}`),
      ).expect(200);
      expect(second.body.items.map((n: { recipient: string }) => n.recipient)).toEqual([
        'page-2@example.test',
        'page-1@example.test',
      ]);

      // Walking every page visits every row once.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await staff(
          t.http().get(`/api/v1/staff/notifications?limit=7${cursor ? `&cursor=${cursor}` : ''}`),
        ).expect(200);
        seen.push(...res.body.items.map((n) => n.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(count);
      expect(new Set(seen).size).toBe(count);
    });

    it('filters by status', async () => {
      const res = await staff(t.http().get('/api/v1/staff/notifications?status=sent&limit=200')).expect(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      expect(res.body.items.every((n: { status: string }) => n.status === 'sent')).toBe(true);
    });

    it.each([
      ['status=bogus', 'status'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      ['unknown=1', 'unknown'],
    ])('rejects ?%s with 400 validation_failed naming %s', async (query, field) => {
      const res = await staff(t.http().get(`/api/v1/staff/notifications?${query}`)).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('is for staff only', async () => {
      expect((await t.http().get('/api/v1/staff/notifications')).status).toBe(401);
      const provider = await createUser(t.app, 'provider');
      const res = await t
        .http()
        .get('/api/v1/staff/notifications')
        .set('authorization', `Bearer ${await tokenFor(t.app, provider)}`);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    });
  });

  describe('POST /api/v1/staff/notifications/:id/retry', () => {
    it('answers 404 for an unknown or malformed id and 409 for one that has not failed', async () => {
      const unknown = await staff(
        t.http().post('/api/v1/staff/notifications/5b0c8f4e-7a8e-4b41-9d55-3f4c2d1e0a9b/retry'),
      ).expect(404);
      expect(unknown.body.code).toBe('not_found');
      await staff(t.http().post('/api/v1/staff/notifications/not-a-uuid/retry')).expect(404);
      const id = await recordNotification(t.app);
      await waitForStatus(t.app, id, 'sent');
      const res = await staff(t.http().post(`/api/v1/staff/notifications/${id}/retry`)).expect(409);
      expect(res.body).toMatchObject({ code: 'notification_not_failed', status: 409 });
      expect((await notificationRow(t.app, id)).status).toBe('sent');
    });

    it('is for staff only', async () => {
      expect(
        (await t.http().post('/api/v1/staff/notifications/5b0c8f4e-7a8e-4b41-9d55-3f4c2d1e0a9b/retry'))
          .status,
      ).toBe(401);
    });
  });

  describe('Bull dashboard at /api/v1/staff/queues', () => {
    it('refuses anonymous callers (401) and non-staff (403) with problem+json', async () => {
      const anon = await t.http().get('/api/v1/staff/queues');
      expect(anon.status).toBe(401);
      expect(anon.headers['content-type']).toMatch(/^application\/problem\+json/);
      const anonApi = await t.http().get('/api/v1/staff/queues/api/queues');
      expect(anonApi.status).toBe(401);
      const sponsored = await createUser(t.app, 'provider');
      const res = await t
        .http()
        .get('/api/v1/staff/queues/api/queues')
        .set('authorization', `Bearer ${await tokenFor(t.app, sponsored)}`);
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('serves the dashboard and its API to staff', async () => {
      const page = await staff(t.http().get('/api/v1/staff/queues')).expect(200);
      expect(page.headers['content-type']).toMatch(/html/);
      expect(page.text).toContain('<base href="/api/v1/staff/queues/"');
      const api = await staff(t.http().get('/api/v1/staff/queues/api/queues')).expect(200);
      const names = api.body.queues.map((q: { name: string }) => q.name);
      expect(names).toEqual(expect.arrayContaining(['notifications', 'scheduled-jobs']));
    });
  });
});
