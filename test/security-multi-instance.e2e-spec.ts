/**
 * Two application instances on one database and one Redis (ASVS V2.2 anti-automation, V11.1
 * business logic limits; HIPAA 164.312(a)(1), 164.312(d)): lockout, throttles and scheduled jobs
 * must hold across instances, not per process.
 */
import { jest } from '@jest/globals';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { JobsService } from '../src/modules/jobs/jobs.service.js';
import { QUEUES, scheduledJobId } from '../src/common/queue/queues.js';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createPatient, createUser, TEST_PASSWORD, tokenFor } from './factories/index.js';
import { insertAccessRequest } from './factories/access-requests.js';

const api = '/api/v1';
type Http = TestContext['http'];

describe('two instances, one database and Redis', () => {
  let t: TestContext;
  let a: Http;
  let b: Http;
  let appB: TestContext['app'];

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-16T15:00:00Z' });
    a = t.http;
    ({ http: b, app: appB } = await t.startAnotherInstance());
  });
  // The other instance is closed by t.close().
  afterAll(() => t.close());

  it('locks an account after five failed sign-ins spread over both instances, and both then refuse the right password', async () => {
    const user = await createUser(t.app, 'provider');
    const ip = '10.1.0.1';
    for (let i = 0; i < 5; i++) {
      const res = await (i % 2 ? b : a)()
        .post(`${api}/auth/login`)
        .set('x-forwarded-for', ip)
        .send({ email: user.email, password: `wrong-${i}` });
      expect(res.status).toBe(401);
    }
    // The lock answers like a wrong password (it tells nobody anything), on both instances.
    for (const http of [a, b]) {
      const res = await http()
        .post(`${api}/auth/login`)
        .set('x-forwarded-for', ip)
        .send({ email: user.email, password: TEST_PASSWORD });
      expect([res.status, res.body.code]).toEqual([401, 'invalid_credentials']);
    }
    const [row] = await t.dataSource.query(`SELECT status, lock_reason FROM users WHERE id = $1`, [user.id]);
    expect(row).toEqual({ status: 'locked', lock_reason: 'failed_logins' });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE recipient = $1 AND template = 'account-locked-failed-logins'`,
      [user.email],
    );
    expect(n).toBe(1);
  });

  it('counts concurrent failures on both instances without losing any (no lockout bypass by racing)', async () => {
    const user = await createUser(t.app, 'provider');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? b : a)()
          .post(`${api}/auth/login`)
          .set('x-forwarded-for', `10.1.1.${i}`)
          .send({ email: user.email, password: `bad-${i}` }),
      ),
    );
    // Every answer is a wrong password's (a lock tells nobody anything), but exactly five guesses were
    // checked against the password: the others were refused unchecked, as locked.
    expect(results.map((r) => `${r.status} ${r.body.code}`)).toEqual(
      Array(8).fill('401 invalid_credentials'),
    );
    const audited = await t.dataSource.query(
      `SELECT outcome, details->>'reason' AS reason, count(*)::int AS n FROM audit_events WHERE actor_id = $1 AND action = 'auth.login' GROUP BY 1, 2 ORDER BY 1`,
      [user.id],
    );
    expect(audited).toEqual([
      { outcome: 'denied', reason: 'locked', n: 3 },
      { outcome: 'failure', reason: 'wrong_password', n: 5 },
    ]);
    const [row] = await t.dataSource.query(
      `SELECT status, lock_reason, failed_login_count FROM users WHERE id = $1`,
      [user.id],
    );
    expect(row).toEqual({ status: 'locked', lock_reason: 'failed_logins', failed_login_count: 5 });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE recipient = $1 AND template = 'account-locked-failed-logins'`,
      [user.email],
    );
    expect(n).toBe(1);
    // The right password is refused too, unchecked, while the lock runs.
    const right = await b().post(`${api}/auth/login`).send({ email: user.email, password: TEST_PASSWORD });
    expect([right.status, right.body.code]).toEqual([401, 'invalid_credentials']);
  });

  it('shares the per-account sign-in throttle: the 11th attempt in a minute is refused on either instance', async () => {
    const email = `nobody-${Date.now()}@example.test`;
    for (let i = 0; i < 10; i++) {
      const res = await (i % 2 ? b : a)()
        .post(`${api}/auth/login`)
        .set('x-forwarded-for', `10.2.0.${i}`)
        .send({ email, password: 'whatever-it-is' });
      expect(res.status).toBe(401);
    }
    for (const http of [a, b]) {
      const res = await http()
        .post(`${api}/auth/login`)
        .set('x-forwarded-for', '10.2.1.1')
        .send({ email, password: 'whatever-it-is' });
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('shares the per-address throttle of the practice search (120 a minute) across instances', async () => {
    const ip = '10.3.0.7';
    const statuses: number[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const res = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ((batch * 20 + i) % 2 ? b : a)()
            .get(`${api}/practices`)
            .query({ q: 'ped' })
            .set('x-forwarded-for', ip),
        ),
      );
      statuses.push(...res.map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(120);
    for (const http of [a, b]) {
      const res = await http().get(`${api}/practices`).query({ q: 'ped' }).set('x-forwarded-for', ip);
      expect(res.status).toBe(429);
    }
    // Another address of the same practice network is not affected.
    expect(
      (await b().get(`${api}/practices`).query({ q: 'ped' }).set('x-forwarded-for', '10.3.0.8')).status,
    ).toBe(200);
  });

  it('shares the token-validation failure limit per account across instances', async () => {
    const provider = await createUser(t.app, 'provider', { password: null });
    const token = await tokenFor(t.app, provider);
    for (let i = 0; i < 5; i++) {
      const res = await (i % 2 ? b : a)()
        .post(`${api}/tokens/validate`)
        .set('authorization', `Bearer ${token}`)
        .set('x-forwarded-for', `10.4.0.${i}`)
        .send({ token: `wrong-token-${i}`, mrn: 'MRN-NOPE' });
      expect(res.status).toBe(400);
    }
    for (const http of [a, b]) {
      const res = await http()
        .post(`${api}/tokens/validate`)
        .set('authorization', `Bearer ${token}`)
        .set('x-forwarded-for', '10.4.1.1')
        .send({ token: 'wrong-again', mrn: 'MRN-NOPE' });
      expect(res.status).toBe(429);
    }
  });

  it('a scheduled job that both instances enqueue (as their crons do) runs once and takes effect once', async () => {
    const requester = await createUser(t.app, 'provider', { password: null });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
      ids.push(
        await insertAccessRequest(t.dataSource, {
          requesterId: requester.id,
          patientId: patient.id,
          createdAt: new Date('2026-09-01T12:00:00Z'),
        }),
      );
    }
    const asOf = '2026-11-16';
    const jobsA = t.app.get(JobsService);
    const jobsB = appB.get(JobsService);
    // Every run of the job on any instance, whoever's worker takes it (the effects alone would hide a second run).
    // A third instance makes the race wider than two.
    const jobsC = (await t.startAnotherInstance()).app.get(JobsService);
    const runs: string[] = [];
    for (const [label, jobs] of [
      ['a', jobsA],
      ['b', jobsB],
      ['c', jobsC],
    ] as const) {
      const run = jobs.run.bind(jobs);
      jest.spyOn(jobs, 'run').mockImplementation(async (name, date) => {
        runs.push(`${label} ${name} ${date}`);
        return run(name, date);
      });
    }
    await Promise.all([
      jobsA.enqueue('access-request-expiry', asOf),
      jobsB.enqueue('access-request-expiry', asOf),
      jobsC.enqueue('access-request-expiry', asOf),
    ]);

    const queue = t.app.get<Queue>(getQueueToken(QUEUES.jobs));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const job = await queue.getJob(scheduledJobId('access-request-expiry', asOf));
      if (job && (await job.isCompleted())) break;
      if (Date.now() > deadline) throw new Error('the enqueued job did not complete');
      await new Promise((r) => setTimeout(r, 100));
    }
    // A cron tick on the other instance after the run has finished is still the same run: ignored.
    await jobsB.enqueue('access-request-expiry', asOf);
    await new Promise((r) => setTimeout(r, 500));
    const counts = await queue.getJobCounts();
    expect(counts.waiting + counts.active + counts.delayed).toBe(0);
    const completed = (await queue.getCompleted()).filter((j) => j.data.name === 'access-request-expiry');
    expect(completed.map((j) => [j.id, j.returnvalue])).toEqual([
      [scheduledJobId('access-request-expiry', asOf), { job: 'access-request-expiry', asOf, affected: 6 }],
    ]);
    expect(runs.map((r) => r.slice(2))).toEqual([`access-request-expiry ${asOf}`]);
    const rows = await t.dataSource.query(`SELECT status FROM access_requests WHERE id = ANY($1::uuid[])`, [
      ids,
    ]);
    expect(rows.map((r: { status: string }) => r.status)).toEqual(Array(6).fill('expired'));
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications WHERE recipient = $1`,
      [requester.email],
    );
    expect(n).toBe(6); // one "request expired" email per request, none twice
    // Running it again (a second cron tick, a staff re-run) changes nothing.
    expect((await jobsB.run('access-request-expiry', asOf)).affected).toBe(0);
    jest.restoreAllMocks();
  });
});
