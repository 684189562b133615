/**
 * Security hardening, issue 18 part A (items 2, 3, 4, 9, 10): each test fails on the code before
 * its fix. Items 1, 8 and 11 are unit tests beside the code (src/config/app-config.spec.ts,
 * src/common/errors/problem.filter.spec.ts, src/modules/identity/bootstrap-staff.service.spec.ts).
 */
import { jest } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { createHash } from 'node:crypto';
import { JOBS, QUEUES } from '../src/common/queue/queues.js';
import { IntegrationClientsService } from '../src/modules/integration-clients/index.js';
import { createPatient, createUser, tokenFor } from './factories/index.js';
import { waitForStatus } from './factories/notifications.js';
import { createTestApp, type TestContext } from './support/test-app.js';

jest.setTimeout(60_000);

const api = '/api/v1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('security hardening (issue 18)', () => {
  let t: TestContext;
  let staffToken: string;
  let staffId: string;

  beforeAll(async () => {
    // This file checks the production behaviour of asOf: tests elsewhere allow future dates.
    t = await createTestApp({ env: { ALLOW_FUTURE_ASOF: 'false' } });
    const staff = await createUser(t.app, 'staff');
    staffId = staff.id;
    staffToken = await tokenFor(t.app, staff);
  });
  afterAll(() => t.close());

  const asStaff = { authorization: '' };
  beforeEach(() => {
    asStaff.authorization = `Bearer ${staffToken}`;
  });

  /** Every text and jsonb value of every table, as text: where a raw secret would be. */
  async function everyStoredText(): Promise<string> {
    const columns: Array<{ table_name: string; column_name: string }> = await t.dataSource.query(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'
          AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')`,
    );
    expect(columns.length).toBeGreaterThan(20);
    const parts: string[] = [];
    for (const { table_name, column_name } of columns) {
      const found: Array<{ v: string | null }> = await t.dataSource.query(
        `SELECT "${column_name}"::text AS v FROM "${table_name}"`,
      );
      for (const { v } of found) if (v) parts.push(v);
    }
    return parts.join('\n');
  }

  describe('item 3: no caching of API answers', () => {
    it.each([
      ['a public route', () => t.http().get(`${api}/health`)],
      ['a signed-in route', () => t.http().get(`${api}/me`).set(asStaff)],
      ['an unknown route (404)', () => t.http().get(`${api}/no-such-route`)],
      ['a refused request (401)', () => t.http().get(`${api}/me`)],
      [
        'a body-parser error (400)',
        () => t.http().post(`${api}/auth/login`).set('content-type', 'application/json').send('{"email": '),
      ],
      ['the queue dashboard', () => t.http().get(`${api}/staff/queues/api/queues`).set(asStaff)],
    ])('sends Cache-Control: no-store and Pragma: no-cache on %s', async (_, call) => {
      const res = await call();
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
    });
  });

  describe('item 10: the support-request body limit before authentication', () => {
    const big = () => ({
      description: 'It broke',
      screenshot: `data:image/png;base64,${'A'.repeat(1_500_000)}`,
    });

    it('refuses a 1.5 MB anonymous body with 413 before parsing it, also with a forged bearer token', async () => {
      const anonymous = await t.http().post(`${api}/support-requests`).send(big());
      expect(anonymous.status).toBe(413);
      expect(anonymous.body.code).toBe('payload_too_large');
      const [h, p] = staffToken.split('.');
      const forged = await t
        .http()
        .post(`${api}/support-requests`)
        .set('authorization', `Bearer ${h}.${p}.AAAA`)
        .send(big());
      expect(forged.status).toBe(413);
    });

    it('still reads a large body of a signed-in caller (screenshots up to 5 MiB)', async () => {
      const provider = await createUser(t.app, 'provider');
      const res = await t
        .http()
        .post(`${api}/support-requests`)
        .set('authorization', `Bearer ${await tokenFor(t.app, provider)}`)
        .send(big());
      expect(res.status).not.toBe(413);
    });

    it('reads it whatever the letter case of the Bearer scheme, as the guard accepts the token', async () => {
      const provider = await createUser(t.app, 'provider');
      const res = await t
        .http()
        .post(`${api}/support-requests`)
        .set('authorization', `bearer ${await tokenFor(t.app, provider)}`)
        .send(big());
      // Read and parsed: whatever the route says of it next, it is not the parser's 413.
      expect([res.status, res.body.code]).not.toEqual([413, 'payload_too_large']);
      expect(res.status).not.toBe(413);
    });
  });

  describe('item 4: jobs only through audited, bounded paths', () => {
    const jobsQueue = () => t.app.get<Queue>(getQueueToken(QUEUES.jobs));

    it('answers a staff job run for a date after today with 400 validation_failed on asOf', async () => {
      const res = await t
        .http()
        .post(`${api}/staff/jobs/sponsor-validation-enforce/run`)
        .set(asStaff)
        .send({ asOf: '2026-11-17' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
      const far = await t
        .http()
        .post(`${api}/staff/jobs/sponsor-validation-enforce/run`)
        .set(asStaff)
        .send({ asOf: '2199-12-31' });
      expect(far.status).toBe(400);
      const today = await t
        .http()
        .post(`${api}/staff/jobs/access-request-expiry/run`)
        .set(asStaff)
        .send({ asOf: '2026-11-16' });
      expect(today.body).toEqual({ job: 'access-request-expiry', asOf: '2026-11-16', affected: 0 });
    });

    it('serves the queue dashboard read-only: no add, retry, clean or empty', async () => {
      const before = await jobsQueue().count();
      const add = await t
        .http()
        .post(`${api}/staff/queues/api/queues/${QUEUES.jobs}/add`)
        .set(asStaff)
        .send({
          name: JOBS.runScheduledJob,
          data: { name: 'sponsor-validation-enforce', asOf: '2199-12-31' },
        });
      expect(add.status).toBe(405);
      for (const path of ['retry/failed', 'clean/completed', 'empty', 'pause']) {
        const res = await t
          .http()
          .put(`${api}/staff/queues/api/queues/${QUEUES.jobs}/${path}`)
          .set(asStaff)
          .send({});
        const post = await t
          .http()
          .post(`${api}/staff/queues/api/queues/${QUEUES.jobs}/${path}`)
          .set(asStaff)
          .send({});
        expect([res.status, post.status].some((s) => s >= 200 && s < 300)).toBe(false);
      }
      expect(await jobsQueue().count()).toBe(before);
      expect(await jobsQueue().getJobCounts()).toMatchObject({ waiting: 0, delayed: 0 });
    });

    it('refuses and audits a queued run with an out-of-bounds asOf, and audits a queued run like the staff route', async () => {
      const bad = await jobsQueue().add(
        JOBS.runScheduledJob,
        { name: 'sponsor-validation-enforce', asOf: '2199-12-31' },
        { attempts: 3 },
      );
      await expect(bad.finished()).rejects.toThrow(/asOf/);
      const good = await jobsQueue().add(JOBS.runScheduledJob, {
        name: 'access-request-expiry',
        asOf: '2026-11-15',
      });
      expect(await good.finished()).toEqual({
        job: 'access-request-expiry',
        asOf: '2026-11-15',
        affected: 0,
      });
      const audited: Array<{ outcome: string; actor_kind: string; details: Record<string, unknown> }> =
        await t.dataSource.query(
          `SELECT outcome, actor_kind, details FROM audit_events WHERE action = 'job.run' ORDER BY id`,
        );
      expect(audited).toEqual([
        {
          outcome: 'denied',
          actor_kind: 'system',
          details: { job: 'sponsor-validation-enforce', asOf: '2199-12-31', source: 'queue' },
        },
        {
          outcome: 'success',
          actor_kind: 'system',
          details: { job: 'access-request-expiry', asOf: '2026-11-15', affected: 0, source: 'queue' },
        },
      ]);
      expect((await bad.getState?.()) ?? 'failed').toBe('failed');
      expect(bad.attemptsMade).toBeLessThanOrEqual(1); // refused once, not retried
    });
  });

  describe('item 9: integration clients with hashed, revocable keys', () => {
    const portalRoute = `${api}/integration/portal/patients/NO-SUCH-MRN/access-requests`;
    const ehrRoute = `${api}/integration/ehr/patients/NO-SUCH-MRN/documents`;

    it('accepts a created key on its own system only, stores only its SHA-256, and stops it when revoked', async () => {
      const clients = t.app.get(IntegrationClientsService);
      const first = await clients.create('portal', 'MyChildren production');
      const second = await clients.create('portal', 'MyChildren (rotation)');
      expect(first.key).toMatch(/^mpk_portal_[A-Za-z0-9_-]{43}$/);

      for (const key of [first.key, second.key]) {
        const res = await t.http().get(portalRoute).set('x-api-key', key);
        expect([401, 403]).not.toContain(res.status);
      }
      expect((await t.http().post(ehrRoute).set('x-api-key', first.key).send({})).status).toBe(403);

      const [row] = await t.dataSource.query(
        `SELECT key_hash, system, last_used_at FROM integration_clients WHERE id = $1`,
        [first.client.id],
      );
      expect(row.key_hash).toBe(createHash('sha256').update(first.key).digest('hex'));
      expect(row.last_used_at?.toISOString()).toBe(t.clock.now().toISOString());
      expect(await everyStoredText()).not.toContain(first.key);

      await clients.revoke(first.client.id);
      expect((await t.http().get(portalRoute).set('x-api-key', first.key)).status).toBe(401);
      expect([401, 403]).not.toContain((await t.http().get(portalRoute).set('x-api-key', second.key)).status);
    });

    it('writes last_used_at at most once a minute per key', async () => {
      const { client, key } = await t.app.get(IntegrationClientsService).create('ehr', 'EHR feed');
      const lastUsed = async () =>
        (
          (
            await t.dataSource.query(`SELECT last_used_at FROM integration_clients WHERE id = $1`, [
              client.id,
            ])
          )[0].last_used_at as Date
        ).toISOString();
      const call = () =>
        t.http().get(`${api}/integration/portal/patients/X/access-requests`).set('x-api-key', key); // 403: checked, then refused
      expect((await call()).status).toBe(403);
      const first = await lastUsed();
      t.clock.advance(30_000);
      await call();
      expect(await lastUsed()).toBe(first);
      t.clock.advance(31_000);
      await call();
      expect(await lastUsed()).toBe(t.clock.now().toISOString());
    });
  });

  describe('item 2: no usable one-time token at rest', () => {
    const notificationsQueue = () => t.app.get<Queue>(getQueueToken(QUEUES.notifications));

    it('holds no raw invitation token in any column of any table while the email waits to be sent', async () => {
      const patient = await createPatient(t.dataSource);
      const { key } = await t.app.get(IntegrationClientsService).create('portal', 'MyChildren');
      const recipient = 'dr.scan@clinic.test';
      await notificationsQueue().pause(true);
      let snapshot: string;
      try {
        await t
          .http()
          .post(`${api}/integration/portal/patients/${patient.mrn}/invitations`)
          .set('x-api-key', key)
          .send({ recipientEmail: recipient })
          .expect(201);
        const [pending] = await t.dataSource.query(
          `SELECT id, status, idempotency_key FROM notifications WHERE recipient = $1`,
          [recipient],
        );
        expect(pending.status).not.toBe('sent');
        expect(pending.idempotency_key).not.toContain(patient.mrn);
        snapshot = await everyStoredText();
      } finally {
        await notificationsQueue().resume(true);
      }
      const mail = await t.smtp.waitForTo(recipient);
      const token = /^Token: ([A-Za-z0-9_-]+)/m.exec(mail.text)?.[1] ?? '';
      expect(token.length).toBeGreaterThanOrEqual(40);
      expect(snapshot).not.toContain(token);
      expect(await everyStoredText()).not.toContain(token);
    });

    it('drops the token of an email that finally failed, and will not resend it without one', async () => {
      const user = await createUser(t.app, 'provider');
      t.smtp.refuse(1, 550);
      await t.http().post(`${api}/auth/password/forgot`).send({ email: user.email }).expect(202);
      let row: { id: string } | undefined;
      for (let i = 0; i < 50 && !row; i++) {
        [row] = await t.dataSource.query(
          `SELECT id FROM notifications WHERE recipient = $1 AND template = 'password-reset'`,
          [user.email.toLowerCase()],
        );
        if (!row) await sleep(100);
      }
      await waitForStatus(t.app, row!.id, 'failed');
      const [{ data }] = await t.dataSource.query(`SELECT data FROM notifications WHERE id = $1`, [row!.id]);
      expect(data.token).toBeUndefined();
      expect(data.tokenDiscarded).toBe(true);
      const retry = await t.http().post(`${api}/staff/notifications/${row!.id}/retry`).set(asStaff);
      expect(retry.status).toBe(409);
      expect(retry.body.code).toBe('notification_token_discarded');
    });
  });

  it('keeps the staff actor of these tests real (sanity)', () => {
    expect(staffId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
