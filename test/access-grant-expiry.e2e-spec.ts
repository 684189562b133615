import { AccessGrantExpiry1795310100000 } from '../migrations/1795310100000-AccessGrantExpiry.js';
import { addDays, hospitalDate, hospitalInstant } from '../src/common/time/hospital-time.js';
import { AccessDecisionService } from '../src/modules/patient-access/access-decision.service.js';
import { addCalendarMonths } from '../src/modules/patient-access/grant-expiry.js';
import { auditActions, createInvitation, notificationsTo } from './factories/access-requests.js';
import { createPatient, createUser, tokenFor } from './factories/index.js';
import { createTestApp, type TestContext } from './support/test-app.js';

const PORTAL = { 'x-api-key': 'test-portal-key-0123456789' };
const START = '2026-11-16T15:00:00.000Z'; // 10:00 EST, hospital date 2026-11-16

/** Personal grants last ACCESS_GRANT_MONTHS (API.md v1.1, SPEC §7). */
describe('personal grant expiry (ACCESS_GRANT_MONTHS)', () => {
  let t: TestContext;
  const bearer = async (user: { id: string; kind: string }) => ({
    authorization: `Bearer ${await tokenFor(t.app, user)}`,
  });
  const decide = (userId: string, patientId: string) =>
    t.app.get(AccessDecisionService).decide(userId, patientId);

  beforeAll(async () => {
    t = await createTestApp({ now: START });
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.set(START));

  /** A provider who validated an invitation token for a new patient at the current clock. */
  async function tokenHolder() {
    const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
    const provider = await createUser(t.app, 'provider');
    const { token } = await createInvitation(t.dataSource, {
      patientId: patient.id,
      recipientEmail: provider.email,
      createdAt: t.clock.now(),
    });
    await t
      .http()
      .post('/api/v1/tokens/validate')
      .set(await bearer(provider))
      .send({ token, mrn: patient.mrn })
      .expect(200);
    return { patient, provider };
  }

  async function staffGrants(patientId: string, active = false) {
    const staff = await createUser(t.app, 'staff');
    const res = await t
      .http()
      .get(`/api/v1/staff/patients/${patientId}/access-grants${active ? '?active=true' : ''}`)
      .set(await bearer(staff))
      .expect(200);
    return res.body.items as Array<Record<string, unknown>>;
  }

  async function runJob(asOf?: string) {
    const staff = await createUser(t.app, 'staff');
    const res = await t
      .http()
      .post('/api/v1/staff/jobs/access-grant-expiry/run')
      .set(await bearer(staff))
      .send(asOf ? { asOf } : {})
      .expect(200);
    return res.body as { job: string; asOf: string; affected: number };
  }

  it('a grant lasts 12 calendar months to the end of the hospital day; staff lists show expiresAt', async () => {
    const { patient, provider } = await tokenHolder();
    // Granted 2026-11-16 (hospital) → through 2027-11-16 → ends 2027-11-17 00:00 EST = 05:00Z.
    expect(await staffGrants(patient.id)).toEqual([
      expect.objectContaining({
        userId: provider.id,
        basis: 'token',
        expiresAt: '2027-11-17T05:00:00.000Z',
        revokedAt: null,
      }),
    ]);
  });

  it('an expired grant no longer grants: allowed until the last instant of its last day, denied from its expiry on', async () => {
    const { patient, provider } = await tokenHolder();
    t.clock.set('2027-11-17T04:59:59.999Z');
    expect(await decide(provider.id, patient.id)).toEqual({ allowed: true, basis: 'token' });
    await t
      .http()
      .get(`/api/v1/patients/${patient.id}`)
      .set(await bearer(provider))
      .expect(200);
    t.clock.set('2027-11-17T05:00:00.000Z');
    expect(await decide(provider.id, patient.id)).toEqual({ allowed: false, basis: null });
    const denied = await t
      .http()
      .get(`/api/v1/patients/${patient.id}`)
      .set(await bearer(provider))
      .expect(403);
    expect(denied.body.code).toBe('not_authorized');
    // Search and the record's documents follow the same decision.
    const search = await t
      .http()
      .get(`/api/v1/patients?mrn=${patient.mrn}`)
      .set(await bearer(provider))
      .expect(200);
    expect(search.body.items).toEqual([
      expect.objectContaining({ patientId: patient.id, access: 'not_authorized' }),
    ]);
    await t
      .http()
      .get(`/api/v1/patients/${patient.id}/documents`)
      .set(await bearer(provider))
      .expect(403);
    // Active-only staff list leaves it out even before the job ended it.
    expect(await staffGrants(patient.id, true)).toEqual([]);
  });

  it('clamps to the end of a shorter month: granted Feb 29 → through Feb 28 next year; to the end of the day', async () => {
    t.clock.set('2027-02-28T17:00:00.000Z');
    const a = await tokenHolder();
    expect((await staffGrants(a.patient.id))[0].expiresAt).toBe(hospitalInstant('2028-02-29').toISOString());
    t.clock.set('2028-02-29T17:00:00.000Z');
    const b = await tokenHolder();
    expect((await staffGrants(b.patient.id))[0].expiresAt).toBe(hospitalInstant('2029-03-01').toISOString());
    expect(addCalendarMonths('2028-02-29', 12)).toBe('2029-02-28');
  });

  it('a new token for the same user and patient starts a new period on the same grant (audited access.renew)', async () => {
    const { patient, provider } = await tokenHolder();
    const [first] = await staffGrants(patient.id);
    t.clock.set('2027-03-10T15:00:00.000Z');
    const { token } = await createInvitation(t.dataSource, {
      patientId: patient.id,
      recipientEmail: provider.email,
      createdAt: t.clock.now(),
    });
    await t
      .http()
      .post('/api/v1/tokens/validate')
      .set(await bearer(provider))
      .send({ token, mrn: patient.mrn })
      .expect(200);
    const grants = await staffGrants(patient.id);
    expect(grants).toEqual([
      expect.objectContaining({
        id: first.id,
        basis: 'token',
        expiresAt: '2028-03-11T05:00:00.000Z',
        revokedAt: null,
      }),
    ]);
    const actions = (await auditActions(t.dataSource, patient.id)).map((a) => a.action);
    expect(actions.filter((a) => a === 'access.grant')).toHaveLength(1);
    expect(actions.filter((a) => a === 'access.renew')).toHaveLength(1);
  });

  it('a new approval after the grant expired starts a new period: access is back for 12 months', async () => {
    const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
    const provider = await createUser(t.app, 'provider');
    const request = async () => {
      const created = await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(await bearer(provider))
        .send({})
        .expect(201);
      await t
        .http()
        .post(`/api/v1/integration/portal/access-requests/${created.body.id}/decision`)
        .set(PORTAL)
        .send({ decision: 'approve', decidedBy: 'guardian-7' })
        .expect(200);
    };
    await request();
    t.clock.set('2027-12-01T15:00:00.000Z'); // expired 2027-11-17, job not run
    expect((await decide(provider.id, patient.id)).allowed).toBe(false);
    await request();
    expect(await decide(provider.id, patient.id)).toEqual({ allowed: true, basis: 'approved_request' });
    const active = await staffGrants(patient.id, true);
    expect(active).toEqual([
      expect.objectContaining({ basis: 'approved_request', expiresAt: '2028-12-02T05:00:00.000Z' }),
    ]);
  });

  it('the job emails the holder 30 days before (once, no patient data) and ends the grant once expired', async () => {
    const { patient, provider } = await tokenHolder();
    // 31 days before the last day (2027-11-16): nothing to do yet for this grant.
    t.clock.set(hospitalInstant('2027-10-16', '06:00:00').toISOString());
    await runJob();
    expect(await notificationsTo(t.dataSource, provider.email, 'access-grant-expiring')).toEqual([]);
    // 30 days before its expiry instant: the notice.
    t.clock.set(hospitalInstant('2027-10-17', '06:00:00').toISOString());
    const first = await runJob();
    expect(first.affected).toBeGreaterThanOrEqual(1);
    const mails = await notificationsTo(t.dataSource, provider.email, 'access-grant-expiring');
    expect(mails).toHaveLength(1);
    expect(mails[0].data).toEqual({
      firstName: provider.firstName,
      lastName: provider.lastName,
      lastDay: '2027-11-16',
      daysLeft: 30,
      months: 12,
    });
    const json = JSON.stringify(mails[0].data);
    for (const secret of [patient.mrn, patient.firstName, patient.lastName, patient.dob, patient.id])
      expect(json).not.toContain(secret);
    // Running again (the same day or the next) does not email again.
    await runJob();
    t.clock.set(hospitalInstant('2027-10-18', '06:00:00').toISOString());
    await runJob();
    expect(await notificationsTo(t.dataSource, provider.email, 'access-grant-expiring')).toHaveLength(1);

    // The day after the last day: the job ends it (revokedAt = expiresAt, revokedBy null), audited, once.
    t.clock.set(hospitalInstant('2027-11-17', '00:30:00').toISOString());
    await runJob();
    const [grant] = await staffGrants(patient.id);
    expect(grant).toMatchObject({
      revokedAt: '2027-11-17T05:00:00.000Z',
      expiresAt: '2027-11-17T05:00:00.000Z',
      revokedBy: null,
    });
    const expired = (await auditActions(t.dataSource, patient.id)).filter(
      (a) => a.action === 'access.expire',
    );
    expect(expired).toEqual([
      expect.objectContaining({
        actorKind: 'system',
        basis: 'token',
        details: expect.objectContaining({ grantId: grant.id }),
      }),
    ]);
    await runJob();
    expect(
      (await auditActions(t.dataSource, patient.id)).filter((a) => a.action === 'access.expire'),
    ).toHaveLength(1);
  });

  it('the job run for a past date ends only grants expired by the end of that day', async () => {
    const { patient } = await tokenHolder();
    t.clock.set('2027-11-20T15:00:00.000Z');
    await runJob('2027-11-15');
    expect((await staffGrants(patient.id))[0].revokedAt).toBeNull();
    await runJob('2027-11-16');
    expect((await staffGrants(patient.id))[0].revokedAt).toBe('2027-11-17T05:00:00.000Z');
  });

  it('migration: grants made before the upgrade expire ACCESS_GRANT_MONTHS after it, at the end of the hospital day', async () => {
    const { patient } = await tokenHolder();
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`DROP INDEX "idx_access_grants_open_expiry"`);
      await runner.query(`ALTER TABLE access_grants DROP COLUMN expires_at`);
      await new AccessGrantExpiry1795310100000().up(runner);
      const [{ expires_at: expiresAt, today }] = await runner.query(
        `SELECT expires_at, now() AS today FROM access_grants WHERE patient_id = $1`,
        [patient.id],
      );
      // The upgrade happens "now" (the database's clock), not at the app's fixed clock.
      const upgradeDay = hospitalDate(new Date(today));
      expect(new Date(expiresAt).toISOString()).toBe(
        hospitalInstant(addDays(addCalendarMonths(upgradeDay, 12), 1)).toISOString(),
      );
      const [col] = await runner.query(
        `SELECT is_nullable FROM information_schema.columns WHERE table_name = 'access_grants' AND column_name = 'expires_at'`,
      );
      expect(col.is_nullable).toBe('NO');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
