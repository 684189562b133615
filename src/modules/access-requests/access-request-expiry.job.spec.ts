import { declaredScheduledJobs } from '../jobs/index.js';
import type { AccessRequestsService } from './access-requests.service.js';
import { AccessRequestExpiryJob } from './access-request-expiry.job.js';

describe('access-request-expiry job', () => {
  it('is declared daily at 00:20 hospital time', () => {
    expect(declaredScheduledJobs(AccessRequestExpiryJob)).toEqual([
      { name: 'access-request-expiry', cron: '20 0 * * *', timeZone: 'America/New_York', method: 'expire' },
    ]);
  });

  it('expires the requests due by the date given and returns how many', async () => {
    const expired: string[] = [];
    const requests = {
      expire: async (asOf: string) => (expired.push(asOf), 3),
    } as unknown as AccessRequestsService;
    expect(await new AccessRequestExpiryJob(requests).expire('2026-11-17')).toBe(3);
    expect(expired).toEqual(['2026-11-17']);
  });
});
