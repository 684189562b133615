import { jest } from '@jest/globals';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { FixedClock } from '../../common/time/clock.js';
import { NotificationsRelay, RELAY_BATCH, RELAY_HIGH_WATER } from './notifications.relay.js';
import type { NotificationsRepository } from './notifications.repository.js';
import { batchJobId } from './send-batch.js';

/** A relay over a fake repository and queue (transactions run straight through; sender on). */
function fakeRelay(repository: Partial<NotificationsRepository>, queue: Partial<Queue>) {
  // inTransaction's BEGIN and COMMIT go to a connection that does nothing.
  const dataSource = {
    createQueryRunner: () => ({
      connect: async () => ({ query: async () => ({ rows: [] }) }),
      manager: {},
      release: async () => undefined,
    }),
  } as unknown as DataSource;
  const config = {
    notifications: { attempts: 3, backoffMs: 1000, sweepMs: 5000, batchSize: 20, sender: true },
  } as unknown as AppConfig;
  return new NotificationsRelay(
    dataSource,
    repository as NotificationsRepository,
    queue as Queue,
    new FixedClock(new Date('2026-12-01T12:00:00Z')),
    config,
  );
}

/** A relay over fakes: `waiting` jobs in Bull, `pending` rows in the outbox, whether a bulk job records. */
function relayWith(waiting: number, pending: number, bulk = { recording: false }) {
  let left = pending;
  const lockPending = jest.fn(async (_m: unknown, limit: number) => {
    const taken = Math.min(limit, left);
    left -= taken;
    return Array.from({ length: taken }, (_, i) => ({ id: `n${left + i}`, attempts: 0 }));
  });
  const addBulk = jest.fn(async () => []);
  const relay = fakeRelay(
    {
      lockPending,
      markQueued: jest.fn(async () => undefined),
      bulkRecordingInProgress: async () => bulk.recording,
    } as unknown as Partial<NotificationsRepository>,
    {
      client: { status: 'ready' },
      getWaitingCount: async () => waiting,
      addBulk,
    } as unknown as Partial<Queue>,
  );
  (relay as unknown as { stopped: boolean }).stopped = false;
  const pass = () => (relay as unknown as { pass(sweep: boolean): Promise<void> }).pass(false);
  const stop = () => relay.onModuleDestroy();
  return { relay, pass, stop, lockPending, addBulk };
}

describe('NotificationsRelay backpressure', () => {
  it('leaves the outbox rows pending while the waiting jobs may hold the high-water mark of emails', async () => {
    const r = relayWith(RELAY_HIGH_WATER / 20, 10_000);
    await r.pass();
    expect(r.lockPending).not.toHaveBeenCalled();
    expect(r.addBulk).not.toHaveBeenCalled();
    await r.stop();
  });

  it('queues full batches until the outbox is empty when Bull has room', async () => {
    const r = relayWith(RELAY_HIGH_WATER / 20 - 1, RELAY_BATCH + 1);
    await r.pass();
    // A full batch means there may be more: it asks again; the second finds the last row and stops.
    expect(r.lockPending).toHaveBeenCalledTimes(2);
    expect(r.addBulk).toHaveBeenCalledTimes(2);
    await r.stop();
  });

  it('queues one job per NOTIFICATION_BATCH_SIZE ids, its jobId derived from the ids', async () => {
    const r = relayWith(0, 45);
    await r.pass();
    const [jobs] = r.addBulk.mock.calls[0] as unknown as [
      Array<{ data: { ids: string[] }; opts: { jobId: string } }>,
    ];
    expect(jobs.map((j) => j.data.ids.length)).toEqual([20, 20, 5]);
    expect(new Set(jobs.flatMap((j) => j.data.ids)).size).toBe(45);
    for (const job of jobs) expect(job.opts.jobId).toBe(batchJobId([...job.data.ids].reverse()));
    await r.stop();
  });
});

describe('NotificationsRelay during a bulk recording', () => {
  it('leaves every row pending while a bulk job records, and relays them once it has ended', async () => {
    const bulk = { recording: true };
    const r = relayWith(0, 45, bulk);
    await r.pass();
    expect(r.lockPending).not.toHaveBeenCalled();
    bulk.recording = false;
    await r.pass();
    expect(r.addBulk).toHaveBeenCalledTimes(1);
    await r.stop();
  });

  it('relays anyway once the bulk job has held delivery for maxBulkDeferralMs', async () => {
    const r = relayWith(0, 45, { recording: true });
    r.relay.maxBulkDeferralMs = 40;
    await r.pass();
    expect(r.lockPending).not.toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 60));
    await r.pass();
    expect(r.addBulk).toHaveBeenCalledTimes(1);
    await r.stop();
  });
});

describe('NotificationsRelay stale sweep', () => {
  it('queues again only the rows queued long ago that no live job carries (own retry job or batch job)', async () => {
    const lockQueuedBefore = jest.fn(async () => [{ id: 'retrying' }, { id: 'in-batch' }, { id: 'lost' }]);
    const markQueued = jest.fn(async () => undefined);
    const repository = { lockQueuedBefore, markQueued } as unknown as Partial<NotificationsRepository>;
    const addBulk = jest.fn(async () => []);
    const remove = jest.fn(async () => undefined);
    const queue = {
      client: { status: 'ready' },
      getJob: async (id: string) =>
        id === 'retrying' ? { data: { ids: ['retrying'], firstAttempt: 2 } } : null,
      getJobs: async () => [{ data: { ids: ['other', 'in-batch'] } }, { data: { id: 'legacy' } }],
      addBulk,
      remove,
    } as unknown as Partial<Queue>;
    const relay = fakeRelay(repository, queue);
    await (relay as unknown as { requeueStale(): Promise<void> }).requeueStale();
    expect(addBulk).toHaveBeenCalledTimes(1);
    const [jobs] = addBulk.mock.calls[0] as unknown as [
      Array<{ data: { ids: string[] }; opts: { jobId: string } }>,
    ];
    expect(jobs).toHaveLength(1);
    expect(jobs[0].data.ids).toEqual(['lost']);
    expect(jobs[0].opts.jobId).toBe(batchJobId(['lost']));
    expect(markQueued).toHaveBeenCalledWith({}, ['retrying', 'in-batch', 'lost'], expect.any(Date));
  });
});
