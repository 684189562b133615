import { jest } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { CronJob } from 'cron';
import { JobsService } from '../src/modules/jobs/jobs.service.js';
import { ValidationJobsService } from '../src/modules/sponsorship/validation-jobs.service.js';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, tokenFor } from './factories/index.js';
import { seedSponsors } from './factories/sponsorship.js';

const api = '/api/v1';
const SPONSORS = 20;
const USERS_EACH = 3;

/**
 * The validation jobs under stress: two instances at once (through the advisory lock and without
 * it), a run that dies halfway and is re-run, and re-runs that must change nothing.
 */
describe('sponsor validation jobs: concurrency and crash recovery', () => {
  let t: TestContext;
  let sponsorIds: string[];

  const count = async (sql: string, params: unknown[] = []) =>
    (await t.dataSource.query(sql, params))[0].n as number;
  const state = async () => ({
    validations: await count(`SELECT count(*)::int AS n FROM sponsor_validations`),
    listed: await count(`SELECT count(*)::int AS n FROM sponsor_validation_users`),
    opened: await count(
      `SELECT count(*)::int AS n FROM notifications WHERE template = 'sponsor-validation-opened'`,
    ),
    openedDistinct: await count(
      `SELECT count(DISTINCT recipient)::int AS n FROM notifications WHERE template = 'sponsor-validation-opened'`,
    ),
    enforced: await count(`SELECT count(*)::int AS n FROM sponsor_validations WHERE enforced_at IS NOT NULL`),
    lockedSponsors: await count(
      `SELECT count(*)::int AS n FROM users WHERE kind = 'provider' AND lock_reason = 'validation_overdue'`,
    ),
    lockedUsers: await count(
      `SELECT count(*)::int AS n FROM users WHERE kind = 'sponsored' AND lock_reason = 'validation_overdue'`,
    ),
    lockMails: await count(
      `SELECT count(*)::int AS n FROM notifications WHERE template IN ('sponsor-locked', 'sponsored-user-locked')`,
    ),
  });
  const runHttp = async (http: TestContext['http'], name: string, asOf: string) => {
    const staff = await createUser(t.app, 'staff', { password: null });
    const res = await http()
      .post(`${api}/staff/jobs/${name}/run`)
      .set('authorization', `Bearer ${await tokenFor(t.app, staff)}`)
      .send({ asOf });
    expect(res.status).toBe(200);
    return res.body.affected as number;
  };

  beforeAll(async () => {
    t = await createTestApp({ now: '2027-04-01T12:00:00Z' });
  });
  // Other instances are closed by t.close().
  afterAll(() => t.close());

  beforeEach(async () => {
    await t.dataSource.query(`TRUNCATE sponsor_validations CASCADE`);
    await t.dataSource.query(`DELETE FROM notifications`);
    await t.dataSource.query(`DELETE FROM users WHERE kind = 'sponsored'`);
    await t.dataSource.query(`DELETE FROM users WHERE kind = 'provider'`);
    sponsorIds = await seedSponsors(t.dataSource, SPONSORS, USERS_EACH);
    t.app.get(ValidationJobsService).batchSize = 3;
    t.app.get(ValidationJobsService).concurrency = 2; // the default (JOB_CONCURRENCY): two enforce loops per run
  });

  it('two instances running the same job at once open and enforce each validation once', async () => {
    const other = await t.startAnotherInstance();
    other.app.get(ValidationJobsService).batchSize = 3;
    const opened = await Promise.all([
      runHttp(t.http, 'sponsor-validation-open', '2027-04-01'),
      runHttp(other.http, 'sponsor-validation-open', '2027-04-01'),
    ]);
    expect(opened.sort((a, b) => a - b)).toEqual([0, SPONSORS]);
    const enforced = await Promise.all([
      runHttp(t.http, 'sponsor-validation-enforce', '2027-05-01'),
      runHttp(other.http, 'sponsor-validation-enforce', '2027-05-01'),
    ]);
    expect(enforced.sort((a, b) => a - b)).toEqual([0, SPONSORS]);
    expect(await state()).toEqual({
      validations: SPONSORS,
      listed: SPONSORS * USERS_EACH,
      opened: SPONSORS,
      openedDistinct: SPONSORS,
      enforced: SPONSORS,
      lockedSponsors: SPONSORS,
      lockedUsers: SPONSORS * USERS_EACH,
      lockMails: SPONSORS * (1 + USERS_EACH),
    });
  });

  it('the SQL alone is safe when two runs race without the advisory lock', async () => {
    const other = await t.startAnotherInstance();
    const a = t.app.get(ValidationJobsService);
    const b = other.app.get(ValidationJobsService);
    a.batchSize = 2;
    b.batchSize = 2;
    const opened = await Promise.all([a.open('2027-04-01'), b.open('2027-04-01'), a.open('2027-04-01')]);
    expect(opened.reduce((x, y) => x + y, 0)).toBe(SPONSORS);
    const enforced = await Promise.all([
      a.enforce('2027-05-01'),
      b.enforce('2027-05-01'),
      b.enforce('2027-05-02'),
    ]);
    expect(enforced.reduce((x, y) => x + y, 0)).toBe(SPONSORS);
    const reminded = await Promise.all([a.remind('2027-04-24'), b.remind('2027-04-24')]);
    expect(reminded.reduce((x, y) => x + y, 0)).toBe(SPONSORS);
    expect(await state()).toMatchObject({
      validations: SPONSORS,
      listed: SPONSORS * USERS_EACH,
      opened: SPONSORS,
      enforced: SPONSORS,
      lockedUsers: SPONSORS * USERS_EACH,
      lockMails: SPONSORS * (1 + USERS_EACH),
    });
  });

  it('an open run that dies halfway keeps its committed batches, and a re-run completes it exactly once', async () => {
    // The 8th sponsor (id order) makes the third batch fail, as a crash would.
    const poison = sponsorIds[7];
    await t.dataSource.query(`
      CREATE FUNCTION crash_on_sponsor() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.sponsor_id = '${poison}'::uuid THEN RAISE EXCEPTION 'simulated crash'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER crash_on_sponsor BEFORE INSERT ON sponsor_validations FOR EACH ROW EXECUTE FUNCTION crash_on_sponsor();`);
    try {
      await expect(t.app.get(JobsService).run('sponsor-validation-open', '2027-04-01')).rejects.toThrow(
        /simulated crash/,
      );
      // Two batches of three committed, nothing of the failed one.
      expect(await state()).toMatchObject({ validations: 6, listed: 6 * USERS_EACH, opened: 6 });
    } finally {
      await t.dataSource.query(
        `DROP TRIGGER crash_on_sponsor ON sponsor_validations; DROP FUNCTION crash_on_sponsor();`,
      );
    }
    expect(await runHttp(t.http, 'sponsor-validation-open', '2027-04-01')).toBe(SPONSORS - 6);
    expect(await runHttp(t.http, 'sponsor-validation-open', '2027-04-01')).toBe(0);
    expect(await state()).toMatchObject({
      validations: SPONSORS,
      listed: SPONSORS * USERS_EACH,
      opened: SPONSORS,
      openedDistinct: SPONSORS,
    });
  });

  it('an enforce run that dies halfway is completed by the re-run, locking and emailing each account once', async () => {
    t.app.get(ValidationJobsService).concurrency = 1; // one loop: which batches committed before the crash is exact
    await runHttp(t.http, 'sponsor-validation-open', '2027-04-01');
    const [{ id: poisonValidation }] = await t.dataSource.query(
      `SELECT id FROM sponsor_validations ORDER BY id OFFSET 10 LIMIT 1`,
    );
    await t.dataSource.query(`
      CREATE FUNCTION crash_on_validation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = '${poisonValidation}'::uuid AND NEW.enforced_at IS NOT NULL THEN RAISE EXCEPTION 'simulated crash'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER crash_on_validation BEFORE UPDATE ON sponsor_validations FOR EACH ROW EXECUTE FUNCTION crash_on_validation();`);
    try {
      await expect(t.app.get(JobsService).run('sponsor-validation-enforce', '2027-05-01')).rejects.toThrow(
        /simulated crash/,
      );
      // Batches 1-3 (9 validations) committed with their locks and emails; batch 4 rolled back.
      expect(await state()).toMatchObject({
        enforced: 9,
        lockedSponsors: 9,
        lockedUsers: 9 * USERS_EACH,
        lockMails: 9 * (1 + USERS_EACH),
      });
    } finally {
      await t.dataSource.query(
        `DROP TRIGGER crash_on_validation ON sponsor_validations; DROP FUNCTION crash_on_validation();`,
      );
    }
    expect(await runHttp(t.http, 'sponsor-validation-enforce', '2027-05-01')).toBe(SPONSORS - 9);
    expect(await runHttp(t.http, 'sponsor-validation-enforce', '2027-05-02')).toBe(0);
    expect(await state()).toMatchObject({
      enforced: SPONSORS,
      lockedSponsors: SPONSORS,
      lockedUsers: SPONSORS * USERS_EACH,
      lockMails: SPONSORS * (1 + USERS_EACH),
    });
    const keys = await count(
      `SELECT count(DISTINCT idempotency_key)::int AS n FROM notifications WHERE template IN ('sponsor-locked', 'sponsored-user-locked')`,
    );
    expect(keys).toBe(SPONSORS * (1 + USERS_EACH));
  });

  it('with two enforce loops, a failed batch stops the other loop after its batch, and the re-run completes the rest once', async () => {
    await runHttp(t.http, 'sponsor-validation-open', '2027-04-01');
    const [{ id: poisonValidation }] = await t.dataSource.query(
      `SELECT id FROM sponsor_validations ORDER BY id OFFSET 10 LIMIT 1`,
    );
    // Fails once only (a sequence is not rolled back): a loop that went on would enforce everything.
    await t.dataSource.query(`
      CREATE SEQUENCE crash_once;
      CREATE FUNCTION crash_on_validation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = '${poisonValidation}'::uuid AND NEW.enforced_at IS NOT NULL AND nextval('crash_once') = 1 THEN
          RAISE EXCEPTION 'simulated crash';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER crash_on_validation BEFORE UPDATE ON sponsor_validations FOR EACH ROW EXECUTE FUNCTION crash_on_validation();`);
    try {
      await expect(t.app.get(JobsService).run('sponsor-validation-enforce', '2027-05-01')).rejects.toThrow(
        /simulated crash/,
      );
      const after = await state();
      // Whole batches of three committed before the failure, and at most the one the other loop had in flight.
      expect(after.enforced % 3).toBe(0);
      expect(after.enforced).toBeGreaterThanOrEqual(9);
      expect(after.enforced).toBeLessThanOrEqual(12);
      expect(after).toMatchObject({
        lockedSponsors: after.enforced,
        lockedUsers: after.enforced * USERS_EACH,
        lockMails: after.enforced * (1 + USERS_EACH),
      });
    } finally {
      await t.dataSource.query(
        `DROP TRIGGER crash_on_validation ON sponsor_validations; DROP FUNCTION crash_on_validation(); DROP SEQUENCE crash_once;`,
      );
    }
    const before = (await state()).enforced;
    expect(await runHttp(t.http, 'sponsor-validation-enforce', '2027-05-01')).toBe(SPONSORS - before);
    expect(await state()).toMatchObject({
      enforced: SPONSORS,
      lockedSponsors: SPONSORS,
      lockedUsers: SPONSORS * USERS_EACH,
      lockMails: SPONSORS * (1 + USERS_EACH),
    });
  });

  it('open skips sponsors whose previous validation is still open, and a late run gives 30 days from that day', async () => {
    await runHttp(t.http, 'sponsor-validation-open', '2027-04-01');
    // The October run: nobody completed April, so nobody gets a second open validation.
    expect(await runHttp(t.http, 'sponsor-validation-open', '2027-10-01')).toBe(0);
    // Complete one sponsor's April validation directly, then a late October run opens theirs.
    await t.dataSource.query(`UPDATE sponsor_validations SET completed_at = now() WHERE sponsor_id = $1`, [
      sponsorIds[0],
    ]);
    expect(await runHttp(t.http, 'sponsor-validation-open', '2027-10-12')).toBe(1);
    const [row] = await t.dataSource.query(
      `SELECT period, to_char(due_date, 'YYYY-MM-DD') AS due FROM sponsor_validations WHERE sponsor_id = $1 AND completed_at IS NULL`,
      [sponsorIds[0]],
    );
    expect(row).toEqual({ period: '2027-10', due: '2027-11-11' });
  });

  it('does not lock accounts a staff member locked or deactivated; lists and locks invited users too (v1.1)', async () => {
    const [invited, deactivated] = (
      await t.dataSource.query(`SELECT id FROM users WHERE sponsor_id = $1 ORDER BY id LIMIT 2`, [
        sponsorIds[0],
      ])
    ).map((r: { id: string }) => r.id);
    await t.dataSource.query(`UPDATE users SET status = 'invited' WHERE id = $1`, [invited]);
    await t.dataSource.query(`UPDATE users SET status = 'deactivated' WHERE id = $1`, [deactivated]);
    await t.dataSource.query(`UPDATE users SET status = 'locked', lock_reason = 'staff' WHERE id = $1`, [
      sponsorIds[1],
    ]);
    await runHttp(t.http, 'sponsor-validation-open', '2027-04-01');
    expect(
      await count(
        `SELECT count(*)::int AS n FROM sponsor_validation_users vu JOIN sponsor_validations v ON v.id = vu.validation_id WHERE v.sponsor_id = $1`,
        [sponsorIds[0]],
      ),
    ).toBe(USERS_EACH - 1);
    await runHttp(t.http, 'sponsor-validation-enforce', '2027-05-01');
    const [staffLocked] = await t.dataSource.query(`SELECT status, lock_reason FROM users WHERE id = $1`, [
      sponsorIds[1],
    ]);
    expect(staffLocked).toEqual({ status: 'locked', lock_reason: 'staff' });
    const states = await t.dataSource.query(
      `SELECT id, status, lock_reason FROM users WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [[invited, deactivated]],
    );
    expect(states).toEqual([
      { id: invited, status: 'locked', lock_reason: 'validation_overdue' },
      { id: deactivated, status: 'deactivated', lock_reason: null },
    ]);
  });
});

/**
 * What cron really schedules (CRON_ENABLED): each validation job's expression and time zone as
 * registered, when it next fires from instants where the UTC and the hospital date differ, and the
 * hospital date its tick enqueues. A cron left in UTC would fire 00:05Z on April 1 — 20:05 on
 * March 31 in Boston — and open the previous period.
 */
describe('sponsor validation jobs: their crons in hospital time', () => {
  let t: TestContext;
  beforeAll(async () => {
    // 03:30Z on April 1 is still March 31 (23:30 EDT) in Boston.
    t = await createTestApp({ now: '2027-04-01T03:30:00Z', env: { CRON_ENABLED: 'true' } });
  });
  afterAll(() => t.close());

  const crons = () => t.app.get(SchedulerRegistry).getCronJobs() as Map<string, CronJob>;
  /** The next tick after `from`, computed as cron's own `sendAt()` does: from `from` seen in the job's time zone. */
  const nextFire = (name: string, from: string) => {
    const { cronTime } = crons().get(name)!;
    return cronTime.getNextDateFrom(new Date(from), cronTime.timeZone).toUTC().toISO();
  };

  it('registers the three validation crons with their expressions in America/New_York', () => {
    const registered = [...crons()].filter(([name]) => name.startsWith('sponsor-validation-'));
    expect(
      registered.map(([name, job]) => [name, job.cronTime.source, job.cronTime.timeZone]).sort(),
    ).toEqual(
      [
        ['sponsor-validation-enforce', '15 0 * * *', 'America/New_York'],
        ['sponsor-validation-open', '5 0 1 4,10 *', 'America/New_York'],
        ['sponsor-validation-remind', '0 8 * * *', 'America/New_York'],
      ].sort(),
    );
  });

  it('schedules every declared job of the application in hospital time, and only those the staff route can run', () => {
    const registered = [...crons()];
    expect(registered.length).toBeGreaterThanOrEqual(3);
    expect(
      registered.filter(([, job]) => job.cronTime.timeZone !== 'America/New_York').map(([name]) => name),
    ).toEqual([]);
    const runnable = t.app.get(JobsService).names();
    expect(registered.map(([name]) => name).filter((name) => !runnable.includes(name as never))).toEqual([]);
  });

  it('fires at hospital-time instants, across the UTC date line and both sides of daylight saving', () => {
    // Open: 00:05 in Boston on April 1 (EDT, 04:05Z) and October 1 — not at 00:05Z.
    expect(nextFire('sponsor-validation-open', '2027-04-01T00:00:00Z')).toBe('2027-04-01T04:05:00.000Z');
    expect(nextFire('sponsor-validation-open', '2027-04-01T04:06:00Z')).toBe('2027-10-01T04:05:00.000Z');
    // Enforce: 00:15 in Boston; at 03:30Z on May 1 it is still April 30 there.
    expect(nextFire('sponsor-validation-enforce', '2027-05-01T03:30:00Z')).toBe('2027-05-01T04:15:00.000Z');
    expect(nextFire('sponsor-validation-enforce', '2026-11-16T04:30:00Z')).toBe('2026-11-16T05:15:00.000Z'); // EST
    // Remind: 08:00 in Boston, 12:00Z in summer and 13:00Z in winter.
    expect(nextFire('sponsor-validation-remind', '2027-04-01T03:30:00Z')).toBe('2027-04-01T12:00:00.000Z');
    expect(nextFire('sponsor-validation-remind', '2026-11-16T15:00:00Z')).toBe('2026-11-17T13:00:00.000Z');
  });

  it('enqueues the hospital date of the tick: March 31 at 03:30Z on April 1, April 1 at the cron instant', async () => {
    const jobs = t.app.get(JobsService);
    const enqueued: string[] = [];
    const spy = jest
      .spyOn(jobs, 'enqueue')
      .mockImplementation(async (name, asOf) => void enqueued.push(`${name} ${asOf}`));
    try {
      const open = crons().get('sponsor-validation-open')!;
      await open.fireOnTick();
      t.clock.set('2027-04-01T04:05:00Z');
      await open.fireOnTick();
      t.clock.set('2027-05-01T03:30:00Z');
      await crons().get('sponsor-validation-enforce')!.fireOnTick();
      await new Promise((r) => setTimeout(r, 50)); // the tick's enqueue is not awaited by the cron callback
      expect(enqueued).toEqual([
        'sponsor-validation-open 2027-03-31',
        'sponsor-validation-open 2027-04-01',
        'sponsor-validation-enforce 2027-04-30',
      ]);
    } finally {
      spy.mockRestore();
    }
  });
});
