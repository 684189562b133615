import { createPractice, createUser, makeNpi, tokenFor } from './factories/index.js';
import { doc, EHR_KEY, feedPatient, grantAccess } from './factories/patient-access.js';
import { createTestApp, type TestContext } from './support/test-app.js';

const EHR = { 'x-api-key': EHR_KEY };

/** API.md v1.1: `GET /me/patients?q=&cursor=` with `newDocuments`. */
describe('GET /me/patients', () => {
  let t: TestContext;
  let seq = 0;
  const bearer = async (user: { id: string; kind: string }) => ({
    authorization: `Bearer ${await tokenFor(t.app, user)}`,
  });
  const mrn = () => `MY-${Date.now().toString(36)}-${++seq}`;
  const feedDocs = (m: string, documents: unknown[]) =>
    t.http().post(`/api/v1/integration/ehr/patients/${m}/documents`).set(EHR).send({ documents }).expect(200);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("lists every patient the caller may view now, on every basis, by last then first name; nobody else's", async () => {
    const practice = await createPractice(t.dataSource);
    const npi = makeNpi();
    const me = await createUser(t.app, 'provider', { practiceId: practice.id, npi });
    const colleagueNpi = makeNpi();
    await createUser(t.app, 'provider', { practiceId: practice.id, npi: colleagueNpi });
    const [a, b, c, d, e] = [mrn(), mrn(), mrn(), mrn(), mrn()];
    const pcp = await feedPatient(t, a, { lastName: 'Zúñiga', firstName: 'Ana', pcpNpi: colleagueNpi });
    const care = await feedPatient(t, b, { lastName: 'Adams', firstName: 'Zed', careTeamNpis: [npi] });
    const granted = await feedPatient(t, c, { lastName: 'Adams', firstName: 'Amy' });
    const expired = await feedPatient(t, d, { lastName: 'Brown', firstName: 'Bo' });
    await feedPatient(t, e, { lastName: 'Other', firstName: 'Not mine' });
    const grantExpiresAt = new Date(t.clock.now().getTime() + 100 * 86_400_000);
    await grantAccess(t.dataSource, {
      userId: me.id,
      patientId: granted,
      basis: 'token',
      expiresAt: grantExpiresAt,
    });
    await grantAccess(t.dataSource, {
      userId: me.id,
      patientId: expired,
      basis: 'token',
      expiresAt: new Date(t.clock.now().getTime() - 1),
    });

    const res = await t
      .http()
      .get('/api/v1/me/patients')
      .set(await bearer(me))
      .expect(200);
    expect(res.body).toEqual({
      items: [
        {
          patientId: granted,
          mrn: c,
          firstName: 'Amy',
          lastName: 'Adams',
          dob: '2016-03-14',
          basis: 'token',
          grantExpiresAt: grantExpiresAt.toISOString(),
          newDocuments: 0,
        },
        {
          patientId: care,
          mrn: b,
          firstName: 'Zed',
          lastName: 'Adams',
          dob: '2016-03-14',
          basis: 'care_team',
          newDocuments: 0,
        },
        {
          patientId: pcp,
          mrn: a,
          firstName: 'Ana',
          lastName: 'Zúñiga',
          dob: '2016-03-14',
          basis: 'pcp_practice',
          newDocuments: 0,
        },
      ],
      nextCursor: null,
    });
    // Audited: one patient.list entry per listed record.
    const audit = await t.dataSource.query(
      `SELECT patient_id AS "patientId", basis FROM audit_events WHERE actor_id = $1 AND action = 'patient.list'`,
      [me.id],
    );
    expect(audit.map((r: { patientId: string }) => r.patientId).sort()).toEqual([granted, care, pcp].sort());
  });

  it('q is an exact MRN or the start of a first or last name (case- and accent-insensitive); pages with a cursor', async () => {
    const practice = await createPractice(t.dataSource);
    const npi = makeNpi();
    const me = await createUser(t.app, 'sponsored', {
      sponsorId: (await createUser(t.app, 'provider', { practiceId: practice.id, npi })).id,
    });
    const mrns = [mrn(), mrn(), mrn()];
    await feedPatient(t, mrns[0], { lastName: 'Martínez', firstName: 'Lía', pcpNpi: npi });
    await feedPatient(t, mrns[1], { lastName: 'Martin', firstName: 'Zoe', pcpNpi: npi });
    await feedPatient(t, mrns[2], { lastName: 'Quinn', firstName: 'Mara', pcpNpi: npi });
    const h = await bearer(me);
    const list = async (query: Record<string, string | number>) =>
      (await t.http().get('/api/v1/me/patients').query(query).set(h).expect(200)).body;

    expect((await list({ q: 'MAR' })).items.map((i: { mrn: string }) => i.mrn)).toEqual([
      mrns[1],
      mrns[0],
      mrns[2],
    ]);
    expect((await list({ q: 'MARTÍN' })).items.map((i: { mrn: string }) => i.mrn)).toEqual([
      mrns[1],
      mrns[0],
    ]);
    expect((await list({ q: 'martíne' })).items.map((i: { mrn: string }) => i.mrn)).toEqual([mrns[0]]);
    expect((await list({ q: 'lia' })).items.map((i: { mrn: string }) => i.mrn)).toEqual([mrns[0]]);
    expect((await list({ q: mrns[2] })).items.map((i: { mrn: string }) => i.mrn)).toEqual([mrns[2]]);
    expect((await list({ q: mrns[2].slice(0, 5) })).items).toEqual([]); // an MRN matches exactly only
    expect((await list({ q: '%' })).items).toEqual([]);

    const first = await list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list({ limit: 2, cursor: first.nextCursor });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((i: { mrn: string }) => i.mrn)).toEqual([
      mrns[1],
      mrns[0],
      mrns[2],
    ]);
    const bad = await t.http().get('/api/v1/me/patients').query({ cursor: 'nope' }).set(h).expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('newDocuments counts shown documents received or changed since the caller last opened the record (all if never), never restricted ones', async () => {
    const practice = await createPractice(t.dataSource);
    const npi = makeNpi();
    const me = await createUser(t.app, 'provider', { practiceId: practice.id, npi });
    const colleague = await createUser(t.app, 'provider', { practiceId: practice.id });
    const m = mrn();
    const patientId = await feedPatient(t, m, { pcpNpi: npi });
    const d1 = doc();
    await feedDocs(m, [d1, doc(), doc({ confidentiality: 'R' }), doc({ confidentiality: 'V' })]);
    const count = async (user: { id: string; kind: string }) =>
      (
        await t
          .http()
          .get('/api/v1/me/patients')
          .query({ q: m })
          .set(await bearer(user))
          .expect(200)
      ).body.items[0].newDocuments;
    expect(await count(me)).toBe(2);

    t.clock.advance(60_000);
    await t
      .http()
      .get(`/api/v1/patients/${patientId}`)
      .set(await bearer(me))
      .expect(200);
    expect(await count(me)).toBe(0);
    expect(await count(colleague)).toBe(2); // openings are per user

    t.clock.advance(60_000);
    await feedDocs(m, [{ ...d1, title: 'Amended' }, doc(), doc({ confidentiality: 'R' })]);
    expect(await count(me)).toBe(2);
    // Listing documents is not opening the record; a denied view is not either.
    await t
      .http()
      .get(`/api/v1/patients/${patientId}/documents`)
      .set(await bearer(me))
      .expect(200);
    expect(await count(me)).toBe(2);
    const outsider = await createUser(t.app, 'provider');
    await t
      .http()
      .get(`/api/v1/patients/${patientId}`)
      .set(await bearer(outsider))
      .expect(403);
    const opened = await t.dataSource.query(`SELECT user_id FROM patient_opens WHERE patient_id = $1`, [
      patientId,
    ]);
    expect(opened.map((r: { user_id: string }) => r.user_id)).toEqual([me.id]);
  });

  it('403 forbidden for staff; 401 anonymous; an empty list is audited once; q over 100 characters is 400', async () => {
    const staff = await createUser(t.app, 'staff');
    expect(
      (
        await t
          .http()
          .get('/api/v1/me/patients')
          .set(await bearer(staff))
          .expect(403)
      ).body.code,
    ).toBe('forbidden');
    await t.http().get('/api/v1/me/patients').expect(401);
    const lonely = await createUser(t.app, 'provider');
    const h = await bearer(lonely);
    expect((await t.http().get('/api/v1/me/patients').set(h).expect(200)).body).toEqual({
      items: [],
      nextCursor: null,
    });
    const audit = await t.dataSource.query(
      `SELECT patient_id, details FROM audit_events WHERE actor_id = $1 AND action = 'patient.list'`,
      [lonely.id],
    );
    expect(audit).toEqual([{ patient_id: null, details: { results: 0, filtered: false } }]);
    await t
      .http()
      .get('/api/v1/me/patients')
      .query({ q: 'x'.repeat(101) })
      .set(h)
      .expect(400);
  });
});
