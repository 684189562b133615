import { createPractice, createUser, makeNpi, tokenFor, type UserRow } from './factories/index.js';
import { doc, EHR_KEY, feedPatient } from './factories/patient-access.js';
import { createTestApp, type TestContext } from './support/test-app.js';

const NOTICE_ABSENT = undefined;

describe('patients, EHR feed, rosters and access log (e2e)', () => {
  let t: TestContext;
  let practiceId: string;
  let doctor: UserRow;
  let doctorToken: string;
  let outsider: UserRow;
  let outsiderToken: string;
  let staffToken: string;
  let staff: UserRow;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp();
    practiceId = (await createPractice(t.dataSource)).id;
    doctor = await createUser(t.app, 'provider', { practiceId, firstName: 'Dana', lastName: 'Reyes' });
    doctorToken = await tokenFor(t.app, doctor);
    outsider = await createUser(t.app, 'provider');
    outsiderToken = await tokenFor(t.app, outsider);
    staff = await createUser(t.app, 'staff');
    staffToken = await tokenFor(t.app, staff);
  });
  afterAll(() => t.close());

  describe('PUT /integration/ehr/patients/:mrn', () => {
    const body = (over: Record<string, unknown> = {}) => ({
      firstName: 'Zoë',
      lastName: 'Martínez',
      dob: '2016-03-14',
      pcpNpi: null,
      hasPortalAccount: true,
      careTeamNpis: [],
      ...over,
    });

    it('creates (201) then updates (200) by MRN, folding names for search and replacing the care team', async () => {
      const a = makeNpi();
      const b = makeNpi();
      const created = await t
        .http()
        .put('/api/v1/integration/ehr/patients/EHR-1')
        .set('x-api-key', EHR_KEY)
        .send(body({ careTeamNpis: [a, b] }));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ mrn: 'EHR-1', created: true });
      const updated = await t
        .http()
        .put('/api/v1/integration/ehr/patients/EHR-1')
        .set('x-api-key', EHR_KEY)
        .send(body({ firstName: 'Zoé', careTeamNpis: [b], pcpNpi: doctor.npi }));
      expect(updated.status).toBe(200);
      expect(updated.body).toEqual({ patientId: created.body.patientId, mrn: 'EHR-1', created: false });
      const [row] = await t.dataSource.query(
        `SELECT search_first_name, search_last_name, first_name, pcp_npi FROM patients WHERE mrn = 'EHR-1'`,
      );
      expect(row).toEqual({
        search_first_name: 'zoe',
        search_last_name: 'martinez',
        first_name: 'Zoé',
        pcp_npi: doctor.npi,
      });
      const team = await t.dataSource.query(`SELECT npi FROM care_team_members WHERE patient_id = $1`, [
        created.body.patientId,
      ]);
      expect(team).toEqual([{ npi: b }]);
    });

    it.each([
      ['an NPI with a wrong check digit', { pcpNpi: '1234567890' }, 'pcpNpi'],
      ['a care-team NPI of 9 digits', { careTeamNpis: ['123456789'] }, 'careTeamNpis'],
      ['an impossible date', { dob: '2016-02-30' }, 'dob'],
      ['a future date', { dob: '2027-01-01' }, 'dob'],
      ['a missing field', { hasPortalAccount: undefined }, 'hasPortalAccount'],
      ['an unknown field', { ssn: '123' }, 'ssn'],
      ['a blank name', { lastName: '   ' }, 'lastName'],
    ])('refuses %s with 400 validation_failed', async (_label, over, field) => {
      const res = await t
        .http()
        .put('/api/v1/integration/ehr/patients/EHR-2')
        .set('x-api-key', EHR_KEY)
        .send(body(over));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('refuses a malformed MRN with 400', async () => {
      const res = await t
        .http()
        .put('/api/v1/integration/ehr/patients/bad%20mrn!')
        .set('x-api-key', EHR_KEY)
        .send(body());
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('mrn');
    });

    it('needs the EHR key: 401 without, 403 with the portal key, 401 with a user token', async () => {
      expect((await t.http().put('/api/v1/integration/ehr/patients/EHR-3').send(body())).status).toBe(401);
      const portal = await t
        .http()
        .put('/api/v1/integration/ehr/patients/EHR-3')
        .set('x-api-key', 'test-portal-key-0123456789')
        .send(body());
      expect(portal.status).toBe(403);
      expect(
        (await t.http().put('/api/v1/integration/ehr/patients/EHR-3').set(auth(doctorToken)).send(body()))
          .status,
      ).toBe(401);
    });
  });

  describe('POST /integration/ehr/patients/:mrn/documents', () => {
    it('upserts by externalId and reports the count', async () => {
      await feedPatient(t, 'DOCS-1');
      const d1 = doc({ category: 'result' });
      const d2 = doc({ category: 'allergy' });
      const first = await t
        .http()
        .post('/api/v1/integration/ehr/patients/DOCS-1/documents')
        .set('x-api-key', EHR_KEY)
        .send({ documents: [d1, d2] });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ upserted: 2 });
      const again = await t
        .http()
        .post('/api/v1/integration/ehr/patients/DOCS-1/documents')
        .set('x-api-key', EHR_KEY)
        .send({ documents: [{ ...d1, title: 'Corrected result' }] });
      expect(again.body).toEqual({ upserted: 1 });
      const rows = await t.dataSource.query(
        `SELECT external_id, title FROM clinical_documents WHERE external_id = ANY($1) ORDER BY external_id`,
        [[d1.externalId, d2.externalId]],
      );
      expect(rows).toHaveLength(2);
      expect(rows.find((r: { external_id: string }) => r.external_id === d1.externalId).title).toBe(
        'Corrected result',
      );
    });

    it('answers 404 for an unknown MRN', async () => {
      const res = await t
        .http()
        .post('/api/v1/integration/ehr/patients/NO-SUCH/documents')
        .set('x-api-key', EHR_KEY)
        .send({ documents: [doc()] });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
    });

    it('refuses unknown categories, instants without offset, duplicates, empty and oversized batches', async () => {
      await feedPatient(t, 'DOCS-2');
      const post = (documents: unknown[]) =>
        t
          .http()
          .post('/api/v1/integration/ehr/patients/DOCS-2/documents')
          .set('x-api-key', EHR_KEY)
          .send({ documents });
      const bad = await post([doc({ category: 'imaging' })]);
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('documents.0.category');
      expect((await post([doc({ occurredAt: '2026-10-01T10:00:00' })])).status).toBe(400);
      expect((await post([doc({ occurredAt: '2026-02-30T10:00:00Z' })])).status).toBe(400);
      const dup = doc();
      const dupRes = await post([dup, { ...dup }]);
      expect(dupRes.status).toBe(400);
      expect(dupRes.body.errors[0].field).toBe('documents.1.externalId');
      expect((await post([])).status).toBe(400);
      expect((await post(Array.from({ length: 501 }, () => doc({ body: 'x' })))).status).toBe(400);
    });

    it('refuses with 409 an externalId already filed under another patient', async () => {
      await feedPatient(t, 'DOCS-3');
      await feedPatient(t, 'DOCS-4');
      const d = doc();
      await t
        .http()
        .post('/api/v1/integration/ehr/patients/DOCS-3/documents')
        .set('x-api-key', EHR_KEY)
        .send({ documents: [d] })
        .expect(200);
      const res = await t
        .http()
        .post('/api/v1/integration/ehr/patients/DOCS-4/documents')
        .set('x-api-key', EHR_KEY)
        .send({ documents: [d] });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('document_belongs_to_other_patient');
    });
  });

  describe('POST /staff/practices/:practiceId/roster', () => {
    it('adds an NPI (201, idempotent, audited) and the practice then sees that physician’s patients', async () => {
      const outsidePcp = makeNpi();
      const patientId = await feedPatient(t, 'ROSTER-1', { pcpNpi: outsidePcp });
      expect((await t.http().get(`/api/v1/patients/${patientId}`).set(auth(doctorToken))).status).toBe(403);
      const res = await t
        .http()
        .post(`/api/v1/staff/practices/${practiceId}/roster`)
        .set(auth(staffToken))
        .send({ npi: outsidePcp });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ practiceId, npi: outsidePcp, added: true });
      const again = await t
        .http()
        .post(`/api/v1/staff/practices/${practiceId}/roster`)
        .set(auth(staffToken))
        .send({ npi: outsidePcp });
      expect(again.status).toBe(201);
      expect(again.body.added).toBe(false);
      const view = await t.http().get(`/api/v1/patients/${patientId}`).set(auth(doctorToken));
      expect(view.status).toBe(200);
      expect(view.body.basis).toBe('pcp_practice');
      const audit = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'staff.roster_add' AND actor_id = $1`,
        [staff.id],
      );
      expect(audit[0].n).toBe(2);
    });

    it('answers 404 for an unknown or malformed practice, 400 for a bad NPI, 403 for a provider', async () => {
      const npi = makeNpi();
      expect(
        (
          await t
            .http()
            .post(`/api/v1/staff/practices/00000000-0000-4000-8000-000000000000/roster`)
            .set(auth(staffToken))
            .send({ npi })
        ).status,
      ).toBe(404);
      expect(
        (await t.http().post(`/api/v1/staff/practices/nope/roster`).set(auth(staffToken)).send({ npi }))
          .status,
      ).toBe(404);
      const bad = await t
        .http()
        .post(`/api/v1/staff/practices/${practiceId}/roster`)
        .set(auth(staffToken))
        .send({ npi: '1234567890' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('npi');
      expect(
        (await t.http().post(`/api/v1/staff/practices/${practiceId}/roster`).set(auth(staffToken)).send({}))
          .status,
      ).toBe(400);
      const provider = await t
        .http()
        .post(`/api/v1/staff/practices/${practiceId}/roster`)
        .set(auth(doctorToken))
        .send({ npi });
      expect(provider.status).toBe(403);
    });
  });

  describe('GET /patients (search)', () => {
    let mine: string;
    let other: string;
    beforeAll(async () => {
      mine = await feedPatient(t, 'SEARCH-1', {
        firstName: 'Zoë',
        lastName: "O'Brien-Muñoz",
        dob: '2015-05-05',
        pcpNpi: doctor.npi,
        hasPortalAccount: false,
      });
      other = await feedPatient(t, 'SEARCH-2', {
        firstName: 'Zoë',
        lastName: "O'Brien-Muñoz",
        dob: '2015-05-05',
        pcpNpi: makeNpi(),
        hasPortalAccount: true,
      });
    });

    it('finds by MRN with demographics and basis when authorized', async () => {
      const res = await t.http().get('/api/v1/patients').query({ mrn: 'SEARCH-1' }).set(auth(doctorToken));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          {
            patientId: mine,
            access: 'granted',
            mrn: 'SEARCH-1',
            firstName: 'Zoë',
            lastName: "O'Brien-Muñoz",
            dob: '2015-05-05',
            basis: 'pcp_practice',
          },
        ],
      });
    });

    it('finds by names + DOB, exact but case- and accent-insensitive, and hides unauthorized demographics', async () => {
      const res = await t
        .http()
        .get('/api/v1/patients')
        .query({ lastName: "o'brien-munoz", firstName: 'ZOE', dob: '2015-05-05' })
        .set(auth(doctorToken));
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(2);
      const granted = res.body.items.find((i: { patientId: string }) => i.patientId === mine);
      expect(granted).toMatchObject({ access: 'granted', basis: 'pcp_practice', mrn: 'SEARCH-1' });
      const denied = res.body.items.find((i: { patientId: string }) => i.patientId === other);
      expect(denied).toEqual({
        patientId: other,
        access: 'not_authorized',
        actions: ['request_pcp_access', 'request_non_pcp_access'],
        portalAccount: true,
        pendingRequests: [],
      });
      expect(denied.notice).toBe(NOTICE_ABSENT);
      const partial = await t
        .http()
        .get('/api/v1/patients')
        .query({ lastName: "o'brien", firstName: 'zoe', dob: '2015-05-05' })
        .set(auth(doctorToken));
      expect(partial.body.items).toEqual([]);
    });

    it('gives only request_pcp_access and a notice when the patient has no portal account', async () => {
      const res = await t.http().get('/api/v1/patients').query({ mrn: 'SEARCH-1' }).set(auth(outsiderToken));
      expect(Object.keys(res.body.items[0]).sort()).toEqual([
        'access',
        'actions',
        'notice',
        'patientId',
        'pendingRequests',
        'portalAccount',
      ]);
      expect(res.body.items[0]).toMatchObject({
        access: 'not_authorized',
        actions: ['request_pcp_access'],
        portalAccount: false,
      });
      expect(typeof res.body.items[0].notice).toBe('string');
    });

    it('answers an empty list for an unknown MRN', async () => {
      const res = await t.http().get('/api/v1/patients').query({ mrn: 'NOBODY' }).set(auth(doctorToken));
      expect(res.body).toEqual({ items: [] });
    });

    it.each([
      [{}],
      [{ lastName: 'x', firstName: 'y' }],
      [{ lastName: 'x', dob: '2015-05-05' }],
      [{ lastName: 'x', firstName: 'y', dob: '2015-02-30' }],
      [{ lastName: 'x', firstName: 'y', dob: '05/05/2015' }],
      [{ mrn: 'x', color: 'blue' }],
    ])('answers 400 for an incomplete or malformed search %j', async (query) => {
      const res = await t.http().get('/api/v1/patients').query(query).set(auth(doctorToken));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    });

    it('records every search in the audit trail, with the outcome per match', async () => {
      // Every search the doctor made above, in order: one row per match (or one without patient when
      // none matched), with how it searched and how many matched — never the names or MRN searched.
      type Row = {
        patient_id: string | null;
        basis: string | null;
        outcome: string;
        details: { by: string; results: number };
      };
      const rows: Row[] = await t.dataSource.query(
        `SELECT patient_id, basis, outcome, details FROM audit_events WHERE action = 'patient.search' AND actor_id = $1 ORDER BY id`,
        [doctor.id],
      );
      const byName = (list: typeof rows) =>
        [...list].sort((a, b) => String(a.patient_id).localeCompare(String(b.patient_id)));
      expect(rows[0]).toEqual({
        patient_id: mine,
        basis: 'pcp_practice',
        outcome: 'success',
        details: { by: 'mrn', results: 1 },
      });
      expect(byName(rows.slice(1, 3))).toEqual(
        byName([
          {
            patient_id: mine,
            basis: 'pcp_practice',
            outcome: 'success',
            details: { by: 'name', results: 2 },
          },
          { patient_id: other, basis: null, outcome: 'denied', details: { by: 'name', results: 2 } },
        ] as Row[]),
      );
      expect(rows.slice(3)).toEqual([
        { patient_id: null, basis: null, outcome: 'success', details: { by: 'name', results: 0 } },
        { patient_id: null, basis: null, outcome: 'success', details: { by: 'mrn', results: 0 } },
      ]);
    });

    it('is for providers and sponsored users only (staff get 403)', async () => {
      const res = await t.http().get('/api/v1/patients').query({ mrn: 'SEARCH-1' }).set(auth(staffToken));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    });
  });

  describe('GET /patients/:patientId and /documents', () => {
    let patientId: string;
    let careNpi: string;
    beforeAll(async () => {
      careNpi = makeNpi();
      await createUser(t.app, 'provider', { npi: careNpi, firstName: 'Sam', lastName: 'Okafor' });
      patientId = await feedPatient(t, 'VIEW-1', {
        pcpNpi: doctor.npi,
        careTeamNpis: [careNpi, makeNpi()],
        hasPortalAccount: true,
      });
      const docs = [
        doc({ category: 'encounter', occurredAt: '2026-01-01T10:00:00Z' }),
        doc({ category: 'result', occurredAt: '2026-03-01T10:00:00.123456Z' }),
        doc({ category: 'result', occurredAt: '2026-03-01T10:00:00.123456Z' }),
        doc({ category: 'note', occurredAt: '2026-02-01T10:00:00-05:00' }),
        doc({ category: 'medication', occurredAt: '2025-12-01T10:00:00Z' }),
      ];
      await t
        .http()
        .post('/api/v1/integration/ehr/patients/VIEW-1/documents')
        .set('x-api-key', EHR_KEY)
        .send({ documents: docs })
        .expect(200);
    });

    it('shows the summary with PCP, care team and basis', async () => {
      const res = await t.http().get(`/api/v1/patients/${patientId}`).set(auth(doctorToken));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        patientId,
        mrn: 'VIEW-1',
        firstName: 'Avery',
        lastName: 'Lopez',
        dob: '2016-03-14',
        pcp: { npi: doctor.npi, name: 'Dana Reyes' },
        basis: 'pcp_practice',
      });
      expect(res.body.careTeam).toHaveLength(2);
      expect(res.body.careTeam[0]).toEqual({ npi: careNpi, name: 'Sam Okafor' });
      const log = await t.dataSource.query(
        `SELECT basis, outcome FROM audit_events WHERE action = 'patient.view' AND actor_id = $1 AND patient_id = $2`,
        [doctor.id, patientId],
      );
      expect(log).toEqual([{ basis: 'pcp_practice', outcome: 'success' }]);
    });

    it('refuses an unauthorized viewer with 403 not_authorized, actions and no demographics, and audits the denial', async () => {
      const res = await t.http().get(`/api/v1/patients/${patientId}`).set(auth(outsiderToken));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({
        code: 'not_authorized',
        actions: ['request_pcp_access', 'request_non_pcp_access'],
        portalAccount: true,
      });
      expect(JSON.stringify(res.body)).not.toContain('VIEW-1');
      expect(JSON.stringify(res.body)).not.toContain('Lopez');
      const docs = await t.http().get(`/api/v1/patients/${patientId}/documents`).set(auth(outsiderToken));
      expect(docs.status).toBe(403);
      expect(docs.body.code).toBe('not_authorized');
      const denied = await t.dataSource.query(
        `SELECT action FROM audit_events WHERE outcome = 'denied' AND actor_id = $1 AND patient_id = $2 ORDER BY id`,
        [outsider.id, patientId],
      );
      expect(denied.map((r: { action: string }) => r.action)).toEqual(['patient.view', 'patient.documents']);
    });

    it('answers 404 for an unknown or malformed id', async () => {
      expect(
        (await t.http().get('/api/v1/patients/00000000-0000-4000-8000-000000000000').set(auth(doctorToken)))
          .status,
      ).toBe(404);
      expect((await t.http().get('/api/v1/patients/not-a-uuid').set(auth(doctorToken))).status).toBe(404);
      expect(
        (await t.http().get('/api/v1/patients/not-a-uuid/documents').set(auth(doctorToken))).status,
      ).toBe(404);
    });

    it('lets a care-team provider in on basis care_team, and access follows a care-team change', async () => {
      const member = await createUser(t.app, 'provider');
      const token = await tokenFor(t.app, member);
      expect((await t.http().get(`/api/v1/patients/${patientId}`).set(auth(token))).status).toBe(403);
      await feedPatient(t, 'VIEW-1', {
        pcpNpi: doctor.npi,
        careTeamNpis: [careNpi, member.npi!],
        hasPortalAccount: true,
      });
      const res = await t.http().get(`/api/v1/patients/${patientId}`).set(auth(token));
      expect(res.status).toBe(200);
      expect(res.body.basis).toBe('care_team');
      await feedPatient(t, 'VIEW-1', { pcpNpi: doctor.npi, careTeamNpis: [careNpi], hasPortalAccount: true });
      expect((await t.http().get(`/api/v1/patients/${patientId}`).set(auth(token))).status).toBe(403);
    });

    it('lets the sponsor’s staff in through the sponsor’s practice', async () => {
      const nurse = await createUser(t.app, 'sponsored', { sponsorId: doctor.id, practiceId });
      const res = await t
        .http()
        .get(`/api/v1/patients/${patientId}`)
        .set(auth(await tokenFor(t.app, nurse)));
      expect(res.status).toBe(200);
      expect(res.body.basis).toBe('pcp_practice');
    });

    it('lists documents newest first with a category filter', async () => {
      const res = await t.http().get(`/api/v1/patients/${patientId}/documents`).set(auth(doctorToken));
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items.map((d: { category: string }) => d.category)).toEqual([
        'result',
        'result',
        'note',
        'encounter',
        'medication',
      ]);
      expect(Object.keys(res.body.items[0]).sort()).toEqual([
        'body',
        'category',
        'confidentiality',
        'id',
        'occurredAt',
        'title',
      ]);
      expect(res.body.withheld).toBe(0);
      const results = await t
        .http()
        .get(`/api/v1/patients/${patientId}/documents`)
        .query({ category: 'result' })
        .set(auth(doctorToken));
      expect(results.body.items).toHaveLength(2);
      const none = await t
        .http()
        .get(`/api/v1/patients/${patientId}/documents`)
        .query({ category: 'allergy' })
        .set(auth(doctorToken));
      expect(none.body).toEqual({ items: [], nextCursor: null, withheld: 0 });
    });

    it('paginates with a cursor, including ties on occurredAt at microsecond precision', async () => {
      const all = (
        await t.http().get(`/api/v1/patients/${patientId}/documents`).set(auth(doctorToken))
      ).body.items.map((d: { id: string }) => d.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await t
          .http()
          .get(`/api/v1/patients/${patientId}/documents`)
          .query({ limit: '2', ...(cursor ? { cursor } : {}) })
          .set(auth(doctorToken));
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((d: { id: string }) => d.id));
        cursor = res.body.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(all);
    });

    it.each([
      [{ limit: '0' }],
      [{ limit: '201' }],
      [{ limit: 'ten' }],
      [{ cursor: 'garbage' }],
      [{ category: 'imaging' }],
    ])('answers 400 for %j', async (query) => {
      const res = await t
        .http()
        .get(`/api/v1/patients/${patientId}/documents`)
        .query(query)
        .set(auth(doctorToken));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    });

    it('GET /staff/patients/:id/access-log lists who saw the record, newest first, paginated', async () => {
      const res = await t.http().get(`/api/v1/staff/patients/${patientId}/access-log`).set(auth(staffToken));
      expect(res.status).toBe(200);
      // Every view of this record in this file, newest first: a sponsored user of the doctor's practice,
      // a provider before / while / after being on the care team, the outsider, the doctor.
      const views = res.body.items.filter((i: { action: string }) => i.action === 'patient.view');
      expect(
        views.map(
          (i: { userKind: string; basis: string | null; outcome: string }) =>
            `${i.userKind} ${i.basis} ${i.outcome}`,
        ),
      ).toEqual([
        'sponsored pcp_practice success',
        'provider null denied',
        'provider care_team success',
        'provider null denied',
        'provider null denied',
        'provider pcp_practice success',
      ]);
      expect(views[4].userId).toBe(outsider.id);
      expect(views[5].userId).toBe(doctor.id);
      expect(res.body.items.find((i: { userId: string }) => i.userId === doctor.id)).toMatchObject({
        userName: 'Dana Reyes',
        basis: 'pcp_practice',
      });
      for (const item of res.body.items)
        expect(item).toEqual({
          at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          userId: expect.any(String),
          userName: expect.any(String),
          userKind: expect.stringMatching(/^(provider|sponsored)$/),
          action: expect.stringMatching(/^patient\.(view|documents)$/),
          basis: item.outcome === 'success' ? expect.any(String) : null,
          outcome: expect.stringMatching(/^(success|denied)$/),
          // v1.1: the access log adds the person as `user`.
          user: expect.objectContaining({ id: item.userId, name: item.userName, kind: item.userKind }),
        });
      const pages: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t
          .http()
          .get(`/api/v1/staff/patients/${patientId}/access-log`)
          .query({ limit: '3', ...(cursor ? { cursor } : {}) })
          .set(auth(staffToken));
        pages.push(...page.body.items.map((i: { at: string; action: string }) => `${i.at}${i.action}`));
        cursor = page.body.nextCursor ?? undefined;
      } while (cursor);
      // Staff reading the log is itself recorded: the first listing shows up at the top of the next.
      expect(pages[0]).toMatch(/staff\.patient_read$/);
      expect(pages.slice(1)).toEqual(
        res.body.items.map((i: { at: string; action: string }) => `${i.at}${i.action}`),
      );
      expect(
        (
          await t
            .http()
            .get(`/api/v1/staff/patients/00000000-0000-4000-8000-000000000000/access-log`)
            .set(auth(staffToken))
        ).status,
      ).toBe(404);
      expect(
        (await t.http().get(`/api/v1/staff/patients/nope/access-log`).set(auth(staffToken))).status,
      ).toBe(404);
      expect(
        (await t.http().get(`/api/v1/staff/patients/${patientId}/access-log`).set(auth(doctorToken))).status,
      ).toBe(403);
    });
  });
});
