import { FixedClock } from '../../common/time/clock.js';
import type { AppConfig } from '../../config/app-config.js';
import type { JobsService } from '../jobs/jobs.service.js';
import { ValidationScheduler } from './validation.scheduler.js';

describe('ValidationScheduler', () => {
  const make = (cronEnabled: boolean) => {
    const enqueued: Array<[string, string]> = [];
    const jobs = { enqueue: async (name: string, asOf: string) => void enqueued.push([name, asOf]) } as unknown as JobsService;
    // 00:05 on April 1 in Boston is 04:05 UTC.
    const scheduler = new ValidationScheduler(jobs, new FixedClock(new Date('2027-04-01T04:05:00Z')), { cronEnabled } as AppConfig);
    return { scheduler, enqueued };
  };

  it('only enqueues, for the hospital date, each job by name', async () => {
    const { scheduler, enqueued } = make(true);
    await scheduler.open();
    await scheduler.remind();
    await scheduler.enforce();
    expect(enqueued).toEqual([
      ['sponsor-validation-open', '2027-04-01'],
      ['sponsor-validation-remind', '2027-04-01'],
      ['sponsor-validation-enforce', '2027-04-01'],
    ]);
  });

  it('does nothing when cron is disabled', async () => {
    const { scheduler, enqueued } = make(false);
    await scheduler.open();
    await scheduler.enforce();
    expect(enqueued).toEqual([]);
  });
});
