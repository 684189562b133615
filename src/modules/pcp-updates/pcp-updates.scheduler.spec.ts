import { BusinessCalendar } from '../../common/time/business-calendar.js';
import { FixedClock } from '../../common/time/clock.js';
import type { AppConfig } from '../../config/app-config.js';
import type { JobsService } from '../jobs/jobs.service.js';
import type { PcpUpdatesService } from './pcp-updates.service.js';
import { PCP_UPDATE_OVERDUE_JOB, PcpUpdatesScheduler } from './pcp-updates.scheduler.js';

function scheduler(now: string, cronEnabled: boolean) {
  const enqueued: Array<[string, string]> = [];
  const registered: string[] = [];
  const jobs = {
    enqueue: async (name: string, asOf: string) => void enqueued.push([name, asOf]),
    register: (h: { name: string }) => void registered.push(h.name),
  } as unknown as JobsService;
  const s = new PcpUpdatesScheduler(
    jobs,
    {} as PcpUpdatesService,
    new FixedClock(new Date(now)),
    new BusinessCalendar({ hospitalClosures: [] }),
    { cronEnabled } as AppConfig,
  );
  return { s, enqueued, registered };
}

describe('PcpUpdatesScheduler', () => {
  it('registers the pcp-update-overdue job', () => {
    const { s, registered } = scheduler('2026-11-23T12:00:00Z', true);
    s.onModuleInit();
    expect(registered).toEqual([PCP_UPDATE_OVERDUE_JOB]);
  });

  it('enqueues for the hospital date on a business day when cron is enabled', async () => {
    const { s, enqueued } = scheduler('2026-11-23T12:00:00Z', true); // Mon 07:00 EST
    expect(await s.enqueueDaily()).toBe(true);
    expect(enqueued).toEqual([['pcp-update-overdue', '2026-11-23']]);
  });

  it('does nothing when cron is disabled, on weekends and on federal holidays', async () => {
    for (const [now, enabled] of [
      ['2026-11-23T12:00:00Z', false],
      ['2026-11-21T12:00:00Z', true], // Saturday
      ['2026-11-26T12:00:00Z', true], // Thanksgiving
    ] as const) {
      const { s, enqueued } = scheduler(now, enabled);
      expect(await s.enqueueDaily()).toBe(false);
      expect(enqueued).toEqual([]);
    }
  });
});
