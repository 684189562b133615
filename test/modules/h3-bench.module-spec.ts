import { DataSource } from 'typeorm';
import { Clock } from '../../src/common/time/clock.js';
import { SponsorshipModule } from '../../src/modules/sponsorship/index.js';
import { ValidationJobsService } from '../../src/modules/sponsorship/validation-jobs.service.js';
import { createModuleTest, type ModuleTestContext } from '../support/module-test.js';
import { OldValidationJobsService } from './h3-old-jobs.tmp.js';

const SPONSORS = Number(process.env.H3_SPONSORS ?? 10000);
const EACH = 10;

async function seed(ds: DataSource) {
  const practices = Math.max(1, Math.ceil(SPONSORS / 10));
  await ds.query(
    `INSERT INTO practices (name, search_name, address, city, phone, fax)
     SELECT 'Practice ' || g, 'practice ' || g, g || ' Main St', 'Boston', '617-555-0100', '617-555-0101' FROM generate_series(1, $1::int) g`,
    [practices],
  );
  await ds.query(
    `INSERT INTO users (kind, email, first_name, last_name, npi, practice_id, is_sponsor, status)
     SELECT 'provider', 'sponsor' || g || '@bench.test', 'Sponsor', 'Number' || g, lpad(g::text, 9, '0') || '0', p.id, true, 'active'
       FROM generate_series(1, $1::int) g
       JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM practices) p ON p.k = g % $2::int`,
    [SPONSORS, practices],
  );
  await ds.query(
    `INSERT INTO users (kind, email, first_name, last_name, practice_id, sponsor_id, sponsored_role, status)
     SELECT 'sponsored', 'member' || g || '-' || s.n || '@bench.test', 'Member', 'Number' || g, s.practice_id, s.id, 'other', 'active'
       FROM (SELECT id, practice_id, row_number() OVER () AS n FROM users WHERE is_sponsor) s, generate_series(1, $1::int) g`,
    [EACH],
  );
  await ds.query('VACUUM ANALYZE');
}

describe('h3 bench (temporary)', () => {
  for (const variant of ['old', 'new'] as const) {
    it(`${variant}`, async () => {
      const t: ModuleTestContext = await createModuleTest({ imports: [SponsorshipModule], now: '2027-04-01T12:00:00Z', init: false });
      try {
        await seed(t.dataSource);
        const jobs =
          variant === 'new'
            ? t.get(ValidationJobsService)
            : new OldValidationJobsService(t.dataSource, t.get(Clock), { register() {} } as never);
        const timed = async (f: () => Promise<number>) => {
          const s = performance.now();
          const n = await f();
          return { s: Math.round(performance.now() - s) / 1000, n };
        };
        const r = {
          open: await timed(() => jobs.open('2027-04-01')),
          openAgain: await timed(() => jobs.open('2027-04-01')),
          remind: await timed(() => jobs.remind('2027-04-17')),
          enforce: await timed(() => jobs.enforce('2027-05-01')),
          enforceAgain: await timed(() => jobs.enforce('2027-05-01')),
        };
        const [c] = await t.dataSource.query(
          `SELECT (SELECT count(*)::int FROM users WHERE lock_reason = 'validation_overdue') AS locked, (SELECT count(*)::int FROM notifications) AS notifications`,
        );
        console.log(variant, JSON.stringify({ ...r, ...c }));
      } finally {
        await t.close();
      }
    }, 600000);
  }
});
