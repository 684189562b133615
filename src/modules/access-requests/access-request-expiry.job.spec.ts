import { FixedClock } from '../../common/time/clock.js';
import type { AppConfig } from '../../config/app-config.js';
import type { JobsService } from '../jobs/jobs.service.js';
import type { AccessRequestsService } from './access-requests.service.js';
import { AccessRequestExpiryJob } from './access-request-expiry.job.js';

function setup(cronEnabled: boolean) {
  const enqueued: Array<[string, string]> = [];
  const registered: Array<{ name: string; run: (asOf: string) => Promise<number> }> = [];
  const jobs = {
    enqueue: async (name: string, asOf: string) => void enqueued.push([name, asOf]),
    register: (h: { name: string; run: (asOf: string) => Promise<number> }) => void registered.push(h),
  } as unknown as JobsService;
  const expired: string[] = [];
  const requests = { expire: async (asOf: string) => (expired.push(asOf), 3) } as unknown as AccessRequestsService;
  // 2026-11-17 00:20 EST = 05:20Z
  const job = new AccessRequestExpiryJob(jobs, requests, new FixedClock(new Date('2026-11-17T05:20:00Z')), { cronEnabled } as AppConfig);
  return { job, enqueued, registered, expired };
}

describe('access-request-expiry scheduling', () => {
  it('registers the job with JobsService', async () => {
    const { job, registered, expired } = setup(true);
    job.onModuleInit();
    expect(registered.map((r) => r.name)).toEqual(['access-request-expiry']);
    expect(await registered[0].run('2026-11-17')).toBe(3);
    expect(expired).toEqual(['2026-11-17']);
  });

  it('the cron only enqueues, for the hospital date', async () => {
    const { job, enqueued, expired } = setup(true);
    await job.enqueueDaily();
    expect(enqueued).toEqual([['access-request-expiry', '2026-11-17']]);
    expect(expired).toEqual([]);
  });

  it('the cron does nothing when CRON_ENABLED is false', async () => {
    const { job, enqueued } = setup(false);
    await job.enqueueDaily();
    expect(enqueued).toEqual([]);
  });
});
