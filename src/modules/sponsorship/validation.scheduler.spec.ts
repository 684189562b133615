import { declaredScheduledJobs } from '../jobs/index.js';
import type { ValidationJobsService } from './validation-jobs.service.js';
import { ValidationScheduler } from './validation.scheduler.js';

describe('ValidationScheduler', () => {
  it('declares the three validation jobs with their cron in hospital time', () => {
    expect(
      declaredScheduledJobs(ValidationScheduler).map(({ name, cron, timeZone }) => ({
        name,
        cron,
        timeZone,
      })),
    ).toEqual([
      // April 1 and October 1 at 00:05; reminders daily at 08:00; enforcement daily at 00:15.
      { name: 'sponsor-validation-open', cron: '5 0 1 4,10 *', timeZone: 'America/New_York' },
      { name: 'sponsor-validation-remind', cron: '0 8 * * *', timeZone: 'America/New_York' },
      { name: 'sponsor-validation-enforce', cron: '15 0 * * *', timeZone: 'America/New_York' },
    ]);
  });

  it('each job runs its ValidationJobsService step for the date given', async () => {
    const calls: Array<[string, string]> = [];
    const step = (name: string) => async (asOf: string) => (calls.push([name, asOf]), 2);
    const service = {
      open: step('open'),
      remind: step('remind'),
      enforce: step('enforce'),
    } as unknown as ValidationJobsService;
    const scheduler = new ValidationScheduler(service);
    expect(await scheduler.open('2027-04-01')).toBe(2);
    expect(await scheduler.remind('2027-04-17')).toBe(2);
    expect(await scheduler.enforce('2027-05-02')).toBe(2);
    expect(calls).toEqual([
      ['open', '2027-04-01'],
      ['remind', '2027-04-17'],
      ['enforce', '2027-05-02'],
    ]);
  });
});
