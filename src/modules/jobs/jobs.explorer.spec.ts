import { jest } from '@jest/globals';
import { Injectable, Logger } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { BusinessCalendar } from '../../common/time/business-calendar.js';
import { FixedClock } from '../../common/time/clock.js';
import type { AppConfig } from '../../config/app-config.js';
import { JobsExplorer } from './jobs.explorer.js';
import type { JobsService, ScheduledJobHandler } from './jobs.service.js';
import { ScheduledJob } from './scheduled-job.decorator.js';

@Injectable()
class ExpiryJobs {
  runs: string[] = [];
  @ScheduledJob({ name: 'access-request-expiry', cron: '20 0 * * *', timeZone: 'America/New_York' })
  async expire(asOf: string): Promise<number> {
    this.runs.push(asOf);
    return 4;
  }
}

@Injectable()
class AlsoExpiry {
  @ScheduledJob({ name: 'access-request-expiry', cron: '0 1 * * *', timeZone: 'America/New_York' })
  async again(): Promise<number> {
    return 0;
  }
}

function setup(options: {
  cronEnabled: boolean;
  providers: object[];
  enqueue?: (name: string, asOf: string) => Promise<void>;
}) {
  const registered: ScheduledJobHandler[] = [];
  const enqueued: Array<[string, string]> = [];
  const jobs = {
    register: (h: ScheduledJobHandler) => void registered.push(h),
    enqueue: options.enqueue ?? (async (name: string, asOf: string) => void enqueued.push([name, asOf])),
  } as unknown as JobsService;
  const discovery = {
    getProviders: () =>
      options.providers.map((instance) => ({ instance, metatype: instance.constructor, isAlias: false })),
  } as unknown as DiscoveryService;
  const schedulers = new SchedulerRegistry();
  // 2026-11-17 00:20 EST = 05:20Z
  const clock = new FixedClock(new Date('2026-11-17T05:20:00Z'));
  const explorer = new JobsExplorer(
    discovery,
    jobs,
    schedulers,
    clock,
    new BusinessCalendar({ hospitalClosures: [] }),
    {
      cronEnabled: options.cronEnabled,
    } as AppConfig,
  );
  return { explorer, registered, enqueued, schedulers };
}

describe('JobsExplorer (the one way to declare a scheduled job)', () => {
  it('registers each declared job under its name, running the decorated method on its provider', async () => {
    const provider = new ExpiryJobs();
    const { explorer, registered } = setup({ cronEnabled: false, providers: [provider, { plain: true }] });
    explorer.onModuleInit();
    expect(registered.map((h) => h.name)).toEqual(['access-request-expiry']);
    expect(await registered[0].run('2026-11-17')).toBe(4);
    expect(provider.runs).toEqual(['2026-11-17']);
  });

  it('schedules the cron, in the declared time zone, only when cron is enabled', () => {
    const off = setup({ cronEnabled: false, providers: [new ExpiryJobs()] });
    off.explorer.onModuleInit();
    expect(off.schedulers.getCronJobs().size).toBe(0);

    const on = setup({ cronEnabled: true, providers: [new ExpiryJobs()] });
    on.explorer.onModuleInit();
    try {
      const cron = on.schedulers.getCronJob('access-request-expiry');
      expect(cron.cronTime.source).toBe('20 0 * * *');
      expect(cron.cronTime.timeZone).toBe('America/New_York');
      expect(cron.isActive).toBe(true);
    } finally {
      on.explorer.onApplicationShutdown();
    }
    expect(on.schedulers.getCronJobs().size).toBe(0);
  });

  it('a cron tick only enqueues the run for the hospital date', async () => {
    const provider = new ExpiryJobs();
    const { explorer, enqueued } = setup({ cronEnabled: true, providers: [provider] });
    expect(await explorer.tick({ name: 'access-request-expiry' })).toBe(true);
    expect(enqueued).toEqual([['access-request-expiry', '2026-11-17']]);
    expect(provider.runs).toEqual([]);
  });

  it('a tick whose enqueue fails (Redis down) is logged, not thrown', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { explorer } = setup({
      cronEnabled: true,
      providers: [],
      enqueue: async () => {
        throw new Error('Redis is down');
      },
    });
    try {
      await expect(explorer.tick({ name: 'access-request-expiry' })).resolves.toBe(false);
      expect(logged).toHaveBeenCalledWith(
        expect.objectContaining({ job: 'access-request-expiry', asOf: '2026-11-17' }),
        'could not enqueue scheduled job',
      );
    } finally {
      logged.mockRestore();
    }
  });

  it('refuses a job name declared by two methods', () => {
    const { explorer } = setup({ cronEnabled: false, providers: [new ExpiryJobs(), new AlsoExpiry()] });
    expect(() => explorer.onModuleInit()).toThrow(/declared twice: ExpiryJobs.expire and AlsoExpiry.again/);
  });
});
