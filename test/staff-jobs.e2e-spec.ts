import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, tokenFor } from './factories/index.js';
import { SCHEDULED_JOB_NAMES } from '../src/modules/jobs/index.js';

/** `GET /staff/jobs` (API.md v1.1): every scheduled job with its last run. */
describe('staff: jobs and their last runs', () => {
  let t: TestContext;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2027-04-01T14:00:00Z' });
    token = await tokenFor(t.app, await createUser(t.app, 'staff'));
  });
  afterAll(() => t.close());

  const list = () => t.http().get('/api/v1/staff/jobs').set('authorization', `Bearer ${token}`);

  it('lists every job, never-run ones with nulls, and shows the last run after one', async () => {
    const before = await list();
    expect(before.status).toBe(200);
    expect(before.body.nextCursor).toBeNull();
    expect(before.body.items.map((j: { name: string }) => j.name).sort()).toEqual(
      [...SCHEDULED_JOB_NAMES].sort(),
    );
    expect(before.body.items.find((j: { name: string }) => j.name === 'sponsor-validation-open')).toEqual({
      name: 'sponsor-validation-open',
      lastRunAt: null,
      lastAsOf: null,
      lastAffected: null,
      lastStatus: null,
    });

    const run = await t
      .http()
      .post('/api/v1/staff/jobs/sponsor-validation-open/run')
      .set('authorization', `Bearer ${token}`)
      .send({ asOf: '2027-03-31' });
    expect(run.status).toBe(200);
    const after = (await list()).body.items.find(
      (j: { name: string }) => j.name === 'sponsor-validation-open',
    );
    expect(after).toEqual({
      name: 'sponsor-validation-open',
      lastRunAt: '2027-04-01T14:00:00.000Z',
      lastAsOf: '2027-03-31',
      lastAffected: run.body.affected,
      lastStatus: 'succeeded',
    });
  });

  it('is staff-only', async () => {
    const user = await createUser(t.app, 'provider');
    expect(
      (
        await t
          .http()
          .get('/api/v1/staff/jobs')
          .set('authorization', `Bearer ${await tokenFor(t.app, user)}`)
      ).status,
    ).toBe(403);
  });
});
