import { Injectable, Module } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { JobsModule, JobsService, ScheduledJob } from '../../src/modules/jobs/index.js';
import { createModuleTest, type ModuleTestContext } from '../support/module-test.js';

/** A job declared the one way, in a module of its own (as a feature module would). */
@Injectable()
class ProbeJob {
  readonly runs: string[] = [];
  active = 0;
  maxActive = 0;

  @ScheduledJob({ name: 'access-request-expiry', cron: '20 0 * * *', timeZone: 'America/New_York' })
  async run(asOf: string): Promise<number> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise((r) => setTimeout(r, 50));
    this.runs.push(asOf);
    this.active--;
    return 7;
  }
}

@Module({ imports: [JobsModule], providers: [ProbeJob] })
class ProbeModule {}

describe('JobsModule: a declared job is discovered and runnable by name', () => {
  describe('with cron disabled', () => {
    let t: ModuleTestContext;
    beforeAll(async () => {
      t = await createModuleTest({ imports: [ProbeModule] });
    });
    afterAll(() => t.close());

    it('registers the declared job under its name and runs it for the date given', async () => {
      const jobs = t.get(JobsService);
      expect(jobs.names()).toEqual(['access-request-expiry']);
      expect(await jobs.run('access-request-expiry', '2026-11-17')).toEqual({
        job: 'access-request-expiry',
        asOf: '2026-11-17',
        affected: 7,
      });
      expect(t.get(ProbeJob).runs).toEqual(['2026-11-17']);
    });

    it('runs one at a time (advisory lock) when started twice at once', async () => {
      const jobs = t.get(JobsService);
      const probe = t.get(ProbeJob);
      probe.maxActive = 0;
      await Promise.all([
        jobs.run('access-request-expiry', '2026-11-18'),
        jobs.run('access-request-expiry', '2026-11-18'),
      ]);
      expect(probe.maxActive).toBe(1);
    });

    it('answers not_found for a name nobody declared', async () => {
      await expect(t.get(JobsService).run('pcp-update-overdue', '2026-11-17')).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    it('schedules no cron', () => {
      expect(t.get(SchedulerRegistry).getCronJobs().size).toBe(0);
    });
  });

  describe('with cron enabled', () => {
    let t: ModuleTestContext;
    beforeAll(async () => {
      t = await createModuleTest({ imports: [ProbeModule], env: { CRON_ENABLED: 'true' } });
    });
    afterAll(() => t.close());

    it('schedules the declared cron in hospital time', () => {
      const cron = t.get(SchedulerRegistry).getCronJob('access-request-expiry');
      expect(cron.cronTime.source).toBe('20 0 * * *');
      expect(cron.cronTime.timeZone).toBe('America/New_York');
    });
  });
});
