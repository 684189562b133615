import { createPractice, createUser, makeNpi, tokenFor } from './factories/index.js';
import { feedPatient } from './factories/patient-access.js';
import { createTestApp, type TestContext } from './support/test-app.js';

/**
 * `GET /staff/patients?mrn=` (docs/api-additions.md): the console's Patients page turns an MRN into
 * the patient's id. Team or privacy staff only; audited as a staff read that shows a patient.
 */
describe('GET /staff/patients?mrn= (staff look-up by MRN)', () => {
  let t: TestContext;
  let team: Record<string, string>;
  let privacy: Record<string, string>;
  let teamUser: { id: string };
  const bearer = async (user: { id: string; kind: string }) => ({
    authorization: `Bearer ${await tokenFor(t.app, user)}`,
  });
  const lookUp = (query: string, headers: Record<string, string>) =>
    t.http().get(`/api/v1/staff/patients${query}`).set(headers);
  const staffReads = (actorId: string) =>
    t.dataSource.query(
      `SELECT action, patient_id AS "patientId", details FROM audit_events
        WHERE actor_id = $1 AND action = 'staff.patient_read' ORDER BY id`,
      [actorId],
    ) as Promise<Array<{ action: string; patientId: string | null; details: Record<string, unknown> }>>;

  beforeAll(async () => {
    t = await createTestApp();
    const u = await createUser(t.app, 'staff', { roles: ['team'] });
    teamUser = u;
    team = await bearer(u);
    privacy = await bearer(await createUser(t.app, 'staff', { roles: ['privacy'] }));
  });
  afterAll(() => t.close());

  it('gives team and privacy staff the patient with this MRN, and audits the read (route in details, in the access log, not in disclosures)', async () => {
    const mrn = `LOOK-${Date.now().toString(36)}`;
    const patientId = await feedPatient(t, mrn, { firstName: 'Avery', lastName: 'Lopez', dob: '2016-03-14' });

    const res = await lookUp(`?mrn=${mrn}`, team).expect(200);
    expect(res.body).toEqual({
      items: [{ patientId, mrn, firstName: 'Avery', lastName: 'Lopez', dob: '2016-03-14' }],
    });
    expect((await lookUp(`?mrn=${mrn}`, privacy).expect(200)).body.items[0].patientId).toBe(patientId);

    expect(await staffReads(teamUser.id)).toEqual([
      { action: 'staff.patient_read', patientId, details: { route: 'GET /staff/patients' } },
    ]);
    const log = await t.http().get(`/api/v1/staff/patients/${patientId}/access-log`).set(team).expect(200);
    expect(
      log.body.items.some(
        (i: { action: string; userId: string }) =>
          i.action === 'staff.patient_read' && i.userId === teamUser.id,
      ),
    ).toBe(true);
    const disclosures = await t
      .http()
      .get(`/api/v1/staff/patients/${patientId}/disclosures`)
      .set(privacy)
      .expect(200);
    expect(disclosures.body.items).toEqual([]);
  });

  it('answers 404 not_found in problem+json for an MRN nobody has, and audits the look-up without a patient', async () => {
    const before = (await staffReads(teamUser.id)).length;
    const res = await lookUp('?mrn=NOBODY-HAS-THIS', team).expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'not_found', detail: 'No patient has this MRN.' });
    const reads = await staffReads(teamUser.id);
    expect(reads.slice(before)).toEqual([
      {
        action: 'staff.patient_read',
        patientId: null,
        details: { route: 'GET /staff/patients', results: 0 },
      },
    ]);
  });

  it.each([
    ['missing', ''],
    ['empty', '?mrn='],
    ['with a space', '?mrn=MRN%20001'],
    ['with a quote', "?mrn=MRN'001"],
    ['too long', `?mrn=${'A'.repeat(33)}`],
    ['given twice', '?mrn=A1&mrn=B2'],
  ])('answers 400 validation_failed on field mrn when the MRN is %s', async (_, query) => {
    const res = await lookUp(query, team).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'mrn' })]));
  });

  it('refuses unknown query parameters (400)', async () => {
    expect((await lookUp('?mrn=A1&name=Lopez', team)).status).toBe(400);
  });

  it('refuses callers who are not team or privacy staff: 401 signed out, 403 forbidden for clinicians and admin-only staff', async () => {
    const mrn = `LOOK-R-${Date.now().toString(36)}`;
    const practice = await createPractice(t.dataSource);
    const npi = makeNpi();
    const provider = await createUser(t.app, 'provider', { practiceId: practice.id, npi });
    await feedPatient(t, mrn, { pcpNpi: npi });

    const anonymous = await t.http().get(`/api/v1/staff/patients?mrn=${mrn}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('unauthenticated');
    for (const headers of [
      await bearer(provider),
      await bearer(await createUser(t.app, 'staff', { roles: ['admin'] })),
    ]) {
      const res = await lookUp(`?mrn=${mrn}`, headers);
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('forbidden');
    }
  });
});
