import pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { NotificationsModule, NotificationsService } from '../../src/modules/notifications/index.js';
import {
  NotificationsRepository,
  OUTBOX_CHANNEL,
} from '../../src/modules/notifications/notifications.repository.js';
import { createModuleTest, type ModuleTestContext } from '../support/module-test.js';

/** The outbox's set-based write (used by the validation jobs) against PostgreSQL, without HTTP. */
describe('NotificationsService.recordMany', () => {
  let t: ModuleTestContext;
  let ds: DataSource;
  let service: NotificationsService;
  let listener: pg.Client;
  const wakeUps: string[] = [];

  beforeAll(async () => {
    // No lifecycle hooks: the relay stays off, so rows stay pending and only this test listens.
    t = await createModuleTest({ imports: [NotificationsModule], init: false });
    ds = t.dataSource;
    service = t.get(NotificationsService);
    listener = new pg.Client({ connectionString: t.config.databaseUrl });
    await listener.connect();
    listener.on('notification', (n) => wakeUps.push(n.channel));
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
  });
  afterAll(async () => {
    await listener?.end();
    await t.close();
  });

  const opened = (key: string, to: string) => ({
    to,
    data: {
      firstName: 'Alex',
      lastName: 'Rivera',
      period: '2027-04',
      dueDate: '2027-05-01',
      lastDay: '2027-04-30',
      userCount: 3,
    },
    idempotencyKey: `sponsor-validation-opened:${key}`,
  });
  const rowsOf = (prefix: string) =>
    ds.query(
      `SELECT recipient, data, status FROM notifications WHERE idempotency_key LIKE $1 ORDER BY idempotency_key`,
      [`${prefix}%`],
    );
  /** Wake-ups arrive asynchronously after commit. */
  const settle = () => new Promise((r) => setTimeout(r, 200));

  it('records each item once, pending, with its data, and counts what it recorded', async () => {
    const n = await ds.transaction((m: EntityManager) =>
      service.recordMany(m, 'sponsor-validation-opened', [
        opened('a1', 'One@Example.test'),
        opened('a2', 'two@example.test'),
      ]),
    );
    expect(n).toBe(2);
    const found = await rowsOf('sponsor-validation-opened:a');
    expect(found.map((r: { recipient: string; status: string }) => [r.recipient, r.status])).toEqual([
      ['one@example.test', 'pending'],
      ['two@example.test', 'pending'],
    ]);
    expect(found[0].data).toEqual(opened('a1', '').data);
  });

  it('is idempotent by key: keys already recorded, or repeated in the set, are skipped', async () => {
    const again = await ds.transaction((m) =>
      service.recordMany(m, 'sponsor-validation-opened', [
        opened('a1', 'one@example.test'),
        opened('a3', 'three@example.test'),
        opened('a3', 'three@example.test'),
      ]),
    );
    expect(again).toBe(1);
    expect(await rowsOf('sponsor-validation-opened:a')).toHaveLength(3);
    // The single-row record() shares the key space.
    expect(
      await ds.transaction((m) =>
        service.record(m, { template: 'sponsor-validation-opened', ...opened('a2', 'two@example.test') }),
      ),
    ).toBeNull();
  });

  it('wakes the relay once per committed set, and not when it recorded nothing or rolled back', async () => {
    await settle();
    wakeUps.length = 0;
    await ds.transaction((m) =>
      service.recordMany(m, 'sponsor-validation-opened', [
        opened('b1', 'b1@example.test'),
        opened('b2', 'b2@example.test'),
      ]),
    );
    await settle();
    expect(wakeUps).toEqual([OUTBOX_CHANNEL]);

    wakeUps.length = 0;
    expect(
      await ds.transaction((m) =>
        service.recordMany(m, 'sponsor-validation-opened', [opened('b1', 'b1@example.test')]),
      ),
    ).toBe(0);
    expect(await ds.transaction((m) => service.recordMany(m, 'sponsor-validation-opened', []))).toBe(0);
    await ds
      .transaction(async (m) => {
        await service.recordMany(m, 'sponsor-validation-opened', [opened('c1', 'c1@example.test')]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await settle();
    expect(wakeUps).toEqual([]);
    expect(await rowsOf('sponsor-validation-opened:c')).toHaveLength(0);
  });

  it('types the data by template: a call site with the wrong data does not compile', () => {
    // Never run: checked by the compiler (ts-jest fails the file if an expected error is missing).
    const wrong = (m: EntityManager) => {
      const textCount = { ...opened('x', '').data, userCount: '3' };
      const to = 'x@example.test';
      // prettier-ignore
      // @ts-expect-error — userCount must be a number
      void service.recordMany(m, 'sponsor-validation-opened', [{ ...opened('x', 'x@example.test'), data: textCount }]);
      // prettier-ignore
      // @ts-expect-error — password-changed has no token
      void service.record(m, { template: 'password-changed', to, data: { firstName: 'A', token: 't' }, idempotencyKey: 'x' });
      // @ts-expect-error — not a registered template
      void service.record(m, { template: 'no-such-template', to, data: {}, idempotencyKey: 'x' });
    };
    expect(typeof wrong).toBe('function');
    expect(t.get(NotificationsRepository)).toBeInstanceOf(NotificationsRepository);
  });
});
