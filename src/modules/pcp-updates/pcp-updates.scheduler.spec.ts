import { BusinessCalendar } from '../../common/time/business-calendar.js';
import { cronRunsOn, declaredScheduledJobs } from '../jobs/index.js';
import type { PcpUpdateOverdueService } from './pcp-update-overdue.service.js';
import { PCP_UPDATE_OVERDUE_JOB, PcpUpdatesScheduler } from './pcp-updates.scheduler.js';

describe('PcpUpdatesScheduler', () => {
  const [declared] = declaredScheduledJobs(PcpUpdatesScheduler);

  it('declares pcp-update-overdue at 07:00 hospital time, business days only', () => {
    expect(declaredScheduledJobs(PcpUpdatesScheduler)).toEqual([
      {
        name: PCP_UPDATE_OVERDUE_JOB,
        cron: '0 7 * * *',
        timeZone: 'America/New_York',
        businessDaysOnly: true,
        method: 'sendOverdueDigest',
      },
    ]);
  });

  it('the job sends the overdue digest for the date given', async () => {
    const dates: string[] = [];
    const overdue = {
      sendOverdueDigest: async (asOf: string) => (dates.push(asOf), 2),
    } as unknown as PcpUpdateOverdueService;
    expect(await new PcpUpdatesScheduler(overdue).sendOverdueDigest('2026-11-23')).toBe(2);
    expect(dates).toEqual(['2026-11-23']);
  });

  const calendar = new BusinessCalendar({ hospitalClosures: [] });

  it('its cron enqueues on business days only (not weekends, not federal holidays)', () => {
    expect(cronRunsOn(declared, '2026-11-23', calendar)).toBe(true); // Monday
    expect(cronRunsOn(declared, '2026-11-21', calendar)).toBe(false); // Saturday
    expect(cronRunsOn(declared, '2026-11-26', calendar)).toBe(false); // Thanksgiving
  });
});
