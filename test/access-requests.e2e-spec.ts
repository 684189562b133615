import { randomUUID } from 'node:crypto';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createPatient, createPractice, createUser, makeNpi, tokenFor } from './factories/index.js';
import { auditActions, insertAccessRequest, notificationsTo } from './factories/access-requests.js';
import { AccessDecisionService } from '../src/modules/patient-access/access-decision.service.js';

const PORTAL = { 'x-api-key': 'test-portal-key-0123456789' };
const EHR = { 'x-api-key': 'test-ehr-key-0123456789' };
const DAY = 86_400_000;

describe('non-PCP access requests through the patient portal', () => {
  let t: TestContext;
  const bearer = async (user: { id: string; kind: string }) => ({
    authorization: `Bearer ${await tokenFor(t.app, user)}`,
  });
  const decide = (userId: string, patientId: string) =>
    t.app.get(AccessDecisionService).decide(userId, patientId);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('POST /patients/:patientId/access-requests', () => {
    it('creates a pending request the portal sees, audited, and emails nobody yet', async () => {
      const provider = await createUser(t.app, 'provider');
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
      const res = await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(await bearer(provider))
        .send({ reason: 'Cardiology consult next week' })
        .expect(201);
      expect(res.body).toMatchObject({ id: expect.any(String), status: 'pending' });
      expect(Date.parse(res.body.expiresAt) - t.clock.now().getTime()).toBe(30 * DAY);

      const list = await t
        .http()
        .get(`/api/v1/integration/portal/patients/${patient.mrn}/access-requests`)
        .set(PORTAL)
        .expect(200);
      expect(list.body.nextCursor).toBeNull();
      expect(list.body.items).toEqual([
        expect.objectContaining({
          id: res.body.id,
          status: 'pending',
          reason: 'Cardiology consult next week',
          createdAt: t.clock.now().toISOString(),
          requester: {
            name: `${provider.firstName} ${provider.lastName}`,
            npi: provider.npi,
            practice: expect.stringMatching(/^Practice /),
            kind: 'provider',
          },
        }),
      ]);
      expect(await notificationsTo(t.dataSource, provider.email)).toEqual([]);
      expect(await auditActions(t.dataSource, patient.id)).toEqual([
        expect.objectContaining({
          action: 'access_request.create',
          outcome: 'success',
          actorKind: 'provider',
          details: { requestId: res.body.id },
        }),
      ]);
      // Still no access until the family approves.
      expect((await decide(provider.id, patient.id)).allowed).toBe(false);
    });

    it('answers 404 for an unknown patient and for an id that is not a UUID', async () => {
      const provider = await createUser(t.app, 'provider');
      const h = await bearer(provider);
      const a = await t
        .http()
        .post(`/api/v1/patients/${randomUUID()}/access-requests`)
        .set(h)
        .send({})
        .expect(404);
      expect(a.body.code).toBe('not_found');
      const b = await t
        .http()
        .post(`/api/v1/patients/not-a-uuid/access-requests`)
        .set(h)
        .send({})
        .expect(404);
      expect(b.headers['content-type']).toMatch(/problem\+json/);
    });

    it('answers 409 no_portal_account when the patient has no portal account', async () => {
      const provider = await createUser(t.app, 'provider');
      const patient = await createPatient(t.dataSource, { hasPortalAccount: false });
      const res = await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(await bearer(provider))
        .send({})
        .expect(409);
      expect(res.body).toMatchObject({ status: 409, code: 'no_portal_account' });
    });

    it('answers 409 already_authorized when the caller may already view the patient (PCP practice, care team)', async () => {
      const provider = await createUser(t.app, 'provider');
      const pcpPatient = await createPatient(t.dataSource, { hasPortalAccount: true, pcpNpi: provider.npi });
      const r1 = await t
        .http()
        .post(`/api/v1/patients/${pcpPatient.id}/access-requests`)
        .set(await bearer(provider))
        .send({})
        .expect(409);
      expect(r1.body).toMatchObject({ code: 'already_authorized', basis: 'pcp_practice' });
      const ctPatient = await createPatient(t.dataSource, {
        hasPortalAccount: true,
        careTeamNpis: [provider.npi!],
      });
      const r2 = await t
        .http()
        .post(`/api/v1/patients/${ctPatient.id}/access-requests`)
        .set(await bearer(provider))
        .send({})
        .expect(409);
      expect(r2.body).toMatchObject({ code: 'already_authorized', basis: 'care_team' });
    });

    it('answers 409 request_pending for a second request while one is pending, also when sent concurrently', async () => {
      const provider = await createUser(t.app, 'provider');
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
      const h = await bearer(provider);
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          t.http().post(`/api/v1/patients/${patient.id}/access-requests`).set(h).send({}),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'request_pending')).toBe(
        true,
      );
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM access_requests WHERE patient_id = $1`,
        [patient.id],
      );
      expect(n).toBe(1);
    });

    it('lets a sponsored user request; the portal shows the sponsor practice and no NPI', async () => {
      const practice = await createPractice(t.dataSource, { name: 'Harbor Pediatrics' });
      const sponsor = await createUser(t.app, 'provider', { practiceId: practice.id, isSponsor: true });
      const nurse = await createUser(t.app, 'sponsored', {
        sponsorId: sponsor.id,
        firstName: 'Robin',
        lastName: 'Nurse',
      });
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
      await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(await bearer(nurse))
        .send({})
        .expect(201);
      const list = await t
        .http()
        .get(`/api/v1/integration/portal/patients/${patient.mrn}/access-requests`)
        .set(PORTAL)
        .expect(200);
      expect(list.body.items[0].requester).toEqual({
        name: 'Robin Nurse',
        npi: null,
        practice: 'Harbor Pediatrics',
        kind: 'sponsored',
      });
    });

    it('refuses staff (403), anonymous callers (401) and bad bodies (400)', async () => {
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
      const staff = await createUser(t.app, 'staff');
      const s = await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(await bearer(staff))
        .send({})
        .expect(403);
      expect(s.body.code).toBe('forbidden');
      const a = await t.http().post(`/api/v1/patients/${patient.id}/access-requests`).send({}).expect(401);
      expect(a.body.code).toBe('unauthenticated');
      const provider = await createUser(t.app, 'provider');
      const h = await bearer(provider);
      const long = await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(h)
        .send({ reason: 'x'.repeat(1001) })
        .expect(400);
      expect(long.body).toMatchObject({
        code: 'validation_failed',
        errors: [expect.objectContaining({ field: 'reason' })],
      });
      const extra = await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(h)
        .send({ mrn: 'x' })
        .expect(400);
      expect(extra.body.errors).toEqual([expect.objectContaining({ field: 'mrn' })]);
      const notString = await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(h)
        .send({ reason: 5 })
        .expect(400);
      expect(notString.body.code).toBe('validation_failed');
    });
  });

  describe('portal decision', () => {
    async function pendingRequest() {
      const provider = await createUser(t.app, 'provider');
      const patient = await createPatient(t.dataSource, {
        hasPortalAccount: true,
        firstName: 'Zelda',
        lastName: 'Quincy',
      });
      const res = await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(await bearer(provider))
        .send({})
        .expect(201);
      return { provider, patient, requestId: res.body.id as string };
    }

    it('approval grants access (basis approved_request), emails the requester without patient data, and is final', async () => {
      const { provider, patient, requestId } = await pendingRequest();
      const res = await t
        .http()
        .post(`/api/v1/integration/portal/access-requests/${requestId}/decision`)
        .set(PORTAL)
        .send({ decision: 'approve', decidedBy: 'guardian-4411' })
        .expect(200);
      expect(res.body).toMatchObject({ id: requestId, status: 'approved', grantId: expect.any(String) });
      expect(await decide(provider.id, patient.id)).toEqual({ allowed: true, basis: 'approved_request' });
      const [grant] = await t.dataSource.query(
        `SELECT user_id, basis, source_id FROM access_grants WHERE id = $1`,
        [res.body.grantId],
      );
      expect(grant).toEqual({ user_id: provider.id, basis: 'approved_request', source_id: requestId });

      const mails = await notificationsTo(t.dataSource, provider.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({
        template: 'access-request-approved',
        data: { firstName: 'Test', lastName: provider.lastName, requestedOn: '2026-11-16' },
      });
      const mailJson = JSON.stringify(mails[0].data);
      for (const secret of [patient.mrn, 'Zelda', 'Quincy', patient.id, patient.dob])
        expect(mailJson).not.toContain(secret);

      const actions = (await auditActions(t.dataSource, patient.id)).map((a) => `${a.action}:${a.actorKind}`);
      expect(actions).toEqual([
        'access_request.create:provider',
        'access.grant:system',
        'access_request.approve:portal',
      ]);

      const again = await t
        .http()
        .post(`/api/v1/integration/portal/access-requests/${requestId}/decision`)
        .set(PORTAL)
        .send({ decision: 'deny', decidedBy: 'guardian-4411' })
        .expect(409);
      expect(again.body).toMatchObject({ code: 'request_not_pending', status: 409 });

      const mine = await t
        .http()
        .get('/api/v1/access-requests')
        .set(await bearer(provider))
        .expect(200);
      expect(mine.body.items).toEqual([
        expect.objectContaining({
          id: requestId,
          patientId: patient.id,
          status: 'approved',
          decidedAt: expect.any(String),
        }),
      ]);
    });

    it('denial grants nothing and emails that access was not granted', async () => {
      const { provider, patient, requestId } = await pendingRequest();
      const res = await t
        .http()
        .post(`/api/v1/integration/portal/access-requests/${requestId}/decision`)
        .set(PORTAL)
        .send({ decision: 'deny', decidedBy: 'guardian-77' })
        .expect(200);
      expect(res.body).toMatchObject({ status: 'denied', grantId: null });
      expect((await decide(provider.id, patient.id)).allowed).toBe(false);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM access_grants WHERE patient_id = $1`,
        [patient.id],
      );
      expect(n).toBe(0);
      const mails = await notificationsTo(t.dataSource, provider.email);
      expect(mails.map((m) => m.template)).toEqual(['access-request-denied']);
      expect(JSON.stringify(mails[0].data)).not.toContain(patient.mrn);
      // Denied: the provider may ask again.
      await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(await bearer(provider))
        .send({})
        .expect(201);
    });

    it('answers 404 for an unknown request, 400 for a bad decision, and refuses callers without the portal key', async () => {
      const { requestId } = await pendingRequest();
      await t
        .http()
        .post(`/api/v1/integration/portal/access-requests/${randomUUID()}/decision`)
        .set(PORTAL)
        .send({ decision: 'approve', decidedBy: 'g' })
        .expect(404);
      await t
        .http()
        .post(`/api/v1/integration/portal/access-requests/nope/decision`)
        .set(PORTAL)
        .send({ decision: 'approve', decidedBy: 'g' })
        .expect(404);
      const bad = await t
        .http()
        .post(`/api/v1/integration/portal/access-requests/${requestId}/decision`)
        .set(PORTAL)
        .send({ decision: 'maybe', decidedBy: 'g' })
        .expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'decision' })]);
      const noWho = await t
        .http()
        .post(`/api/v1/integration/portal/access-requests/${requestId}/decision`)
        .set(PORTAL)
        .send({ decision: 'approve', decidedBy: '  ' })
        .expect(400);
      expect(noWho.body.errors).toEqual([expect.objectContaining({ field: 'decidedBy' })]);
      await t
        .http()
        .post(`/api/v1/integration/portal/access-requests/${requestId}/decision`)
        .send({ decision: 'approve', decidedBy: 'g' })
        .expect(401);
      const ehr = await t
        .http()
        .post(`/api/v1/integration/portal/access-requests/${requestId}/decision`)
        .set(EHR)
        .send({ decision: 'approve', decidedBy: 'g' })
        .expect(403);
      expect(ehr.body.code).toBe('forbidden');
      const provider = await createUser(t.app, 'provider');
      await t
        .http()
        .post(`/api/v1/integration/portal/access-requests/${requestId}/decision`)
        .set(await bearer(provider))
        .send({ decision: 'approve', decidedBy: 'g' })
        .expect(401);
    });
  });

  describe('lists', () => {
    it('portal list: 404 for an unknown MRN, status filter, cursor pagination, 400 for bad parameters', async () => {
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
      const base = t.clock.now().getTime();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const u = await createUser(t.app, 'provider');
        ids.push(
          await insertAccessRequest(t.dataSource, {
            requesterId: u.id,
            patientId: patient.id,
            createdAt: new Date(base - (i + 1) * 60_000),
            status: i === 2 ? 'denied' : 'pending',
          }),
        );
      }
      const url = `/api/v1/integration/portal/patients/${patient.mrn}/access-requests`;
      const p1 = await t.http().get(`${url}?limit=2`).set(PORTAL).expect(200);
      expect(p1.body.items.map((i: { id: string }) => i.id)).toEqual(ids.slice(0, 2));
      const p2 = await t.http().get(`${url}?limit=2&cursor=${p1.body.nextCursor}`).set(PORTAL).expect(200);
      expect(p2.body.items.map((i: { id: string }) => i.id)).toEqual(ids.slice(2, 4));
      const p3 = await t.http().get(`${url}?limit=2&cursor=${p2.body.nextCursor}`).set(PORTAL).expect(200);
      expect(p3.body).toEqual({ items: [expect.objectContaining({ id: ids[4] })], nextCursor: null });

      const denied = await t.http().get(`${url}?status=denied`).set(PORTAL).expect(200);
      expect(denied.body.items.map((i: { id: string }) => i.id)).toEqual([ids[2]]);
      const pending = await t.http().get(`${url}?status=pending`).set(PORTAL).expect(200);
      expect(pending.body.items).toHaveLength(4);

      await t
        .http()
        .get(`/api/v1/integration/portal/patients/NO-SUCH-MRN/access-requests`)
        .set(PORTAL)
        .expect(404);
      expect((await t.http().get(`${url}?status=open`).set(PORTAL).expect(400)).body.errors[0].field).toBe(
        'status',
      );
      expect((await t.http().get(`${url}?limit=0`).set(PORTAL).expect(400)).body.errors[0].field).toBe(
        'limit',
      );
      expect((await t.http().get(`${url}?limit=201`).set(PORTAL).expect(400)).body.code).toBe(
        'validation_failed',
      );
      expect((await t.http().get(`${url}?cursor=garbage`).set(PORTAL).expect(400)).body.errors[0].field).toBe(
        'cursor',
      );
      await t.http().get(url).expect(401);
      await t.http().get(url).set(EHR).expect(403);
    });

    it("GET /access-requests lists only the caller's own requests, newest first, paginated and filterable", async () => {
      const me = await createUser(t.app, 'provider');
      const other = await createUser(t.app, 'provider');
      const base = t.clock.now().getTime();
      const mine: string[] = [];
      for (let i = 0; i < 3; i++) {
        const p = await createPatient(t.dataSource, { hasPortalAccount: true });
        mine.push(
          await insertAccessRequest(t.dataSource, {
            requesterId: me.id,
            patientId: p.id,
            createdAt: new Date(base - (i + 1) * 1000),
          }),
        );
        await insertAccessRequest(t.dataSource, {
          requesterId: other.id,
          patientId: p.id,
          createdAt: new Date(base - (i + 1) * 1000),
        });
      }
      const h = await bearer(me);
      const p1 = await t.http().get('/api/v1/access-requests?limit=2').set(h).expect(200);
      expect(p1.body.items.map((i: { id: string }) => i.id)).toEqual(mine.slice(0, 2));
      expect(p1.body.items[0]).toEqual(
        expect.objectContaining({
          status: 'pending',
          reason: null,
          decidedAt: null,
          createdAt: expect.any(String),
          expiresAt: expect.any(String),
          patientId: expect.any(String),
        }),
      );
      const p2 = await t
        .http()
        .get(`/api/v1/access-requests?limit=2&cursor=${p1.body.nextCursor}`)
        .set(h)
        .expect(200);
      expect(p2.body).toEqual({ items: [expect.objectContaining({ id: mine[2] })], nextCursor: null });
      const none = await t.http().get('/api/v1/access-requests?status=approved').set(h).expect(200);
      expect(none.body).toEqual({ items: [], nextCursor: null });
      await t.http().get('/api/v1/access-requests').expect(401);
      const staff = await createUser(t.app, 'staff');
      await t
        .http()
        .get('/api/v1/access-requests')
        .set(await bearer(staff))
        .expect(403);
    });
  });

  describe('PUT /integration/portal/patients/:mrn/care-team', () => {
    it('replaces the care team (access follows), dedupes, audits', async () => {
      const specialist = await createUser(t.app, 'provider');
      const old = makeNpi();
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true, careTeamNpis: [old] });
      const res = await t
        .http()
        .put(`/api/v1/integration/portal/patients/${patient.mrn}/care-team`)
        .set(PORTAL)
        .send({ npis: [specialist.npi, specialist.npi, '1234567893'] })
        .expect(200);
      expect(res.body).toEqual({ mrn: patient.mrn, npis: [specialist.npi, '1234567893'].sort() });
      const rows = await t.dataSource.query(
        `SELECT npi FROM care_team_members WHERE patient_id = $1 ORDER BY npi`,
        [patient.id],
      );
      expect(rows.map((r: { npi: string }) => r.npi)).toEqual([specialist.npi, '1234567893'].sort());
      expect(await decide(specialist.id, patient.id)).toEqual({ allowed: true, basis: 'care_team' });
      const [audit] = (await auditActions(t.dataSource, patient.id)).filter(
        (a) => a.action === 'care_team.replace',
      );
      expect(audit).toMatchObject({ actorKind: 'portal', details: { removed: [old] } });

      await t
        .http()
        .put(`/api/v1/integration/portal/patients/${patient.mrn}/care-team`)
        .set(PORTAL)
        .send({ npis: [] })
        .expect(200);
      expect((await decide(specialist.id, patient.id)).allowed).toBe(false);
    });

    it('answers 404 for an unknown MRN and 400 for invalid NPIs or bodies', async () => {
      await t
        .http()
        .put(`/api/v1/integration/portal/patients/UNKNOWN-1/care-team`)
        .set(PORTAL)
        .send({ npis: [] })
        .expect(404);
      const patient = await createPatient(t.dataSource);
      const url = `/api/v1/integration/portal/patients/${patient.mrn}/care-team`;
      const bad = await t
        .http()
        .put(url)
        .set(PORTAL)
        .send({ npis: ['1234567890'] })
        .expect(400);
      expect(bad.body).toMatchObject({
        code: 'validation_failed',
        errors: [expect.objectContaining({ field: 'npis' })],
      });
      await t.http().put(url).set(PORTAL).send({ npis: '1234567893' }).expect(400);
      await t
        .http()
        .put(url)
        .set(PORTAL)
        .send({ npis: [1234567893] })
        .expect(400);
      await t.http().put(url).set(PORTAL).send({}).expect(400);
      await t
        .http()
        .put(url)
        .set(PORTAL)
        .send({ npis: Array.from({ length: 201 }, () => '1234567893') })
        .expect(400);
      await t.http().put(url).send({ npis: [] }).expect(401);
      await t.http().put(url).set(EHR).send({ npis: [] }).expect(403);
    });
  });

  describe('staff grant revocation', () => {
    it('lists a patient’s grants and revokes one (204); access ends; a second revoke is 404', async () => {
      const provider = await createUser(t.app, 'provider');
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
      const req = await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(await bearer(provider))
        .send({})
        .expect(201);
      const dec = await t
        .http()
        .post(`/api/v1/integration/portal/access-requests/${req.body.id}/decision`)
        .set(PORTAL)
        .send({ decision: 'approve', decidedBy: 'g' })
        .expect(200);
      const staff = await createUser(t.app, 'staff');
      const sh = await bearer(staff);

      const list = await t
        .http()
        .get(`/api/v1/staff/patients/${patient.id}/access-grants`)
        .set(sh)
        .expect(200);
      expect(list.body).toEqual({
        items: [
          expect.objectContaining({
            id: dec.body.grantId,
            userId: provider.id,
            basis: 'approved_request',
            sourceId: req.body.id,
            revokedAt: null,
          }),
        ],
        nextCursor: null,
      });
      await t.http().delete(`/api/v1/staff/access-grants/${dec.body.grantId}`).set(sh).expect(204);
      expect((await decide(provider.id, patient.id)).allowed).toBe(false);
      const after = await t
        .http()
        .get(`/api/v1/staff/patients/${patient.id}/access-grants?active=true`)
        .set(sh)
        .expect(200);
      expect(after.body.items).toEqual([]);
      const all = await t
        .http()
        .get(`/api/v1/staff/patients/${patient.id}/access-grants`)
        .set(sh)
        .expect(200);
      expect(all.body.items[0]).toMatchObject({ revokedBy: staff.id, revokedAt: expect.any(String) });
      expect((await auditActions(t.dataSource, patient.id)).map((a) => a.action)).toEqual(
        expect.arrayContaining(['access.revoke', 'staff.revoke_grant']),
      );

      await t.http().delete(`/api/v1/staff/access-grants/${dec.body.grantId}`).set(sh).expect(404);
      await t.http().delete(`/api/v1/staff/access-grants/${randomUUID()}`).set(sh).expect(404);
      await t.http().delete(`/api/v1/staff/access-grants/xyz`).set(sh).expect(404);
      await t.http().get(`/api/v1/staff/patients/${randomUUID()}/access-grants`).set(sh).expect(404);
      const p = await t
        .http()
        .delete(`/api/v1/staff/access-grants/${dec.body.grantId}`)
        .set(await bearer(provider))
        .expect(403);
      expect(p.body.code).toBe('forbidden');
      // With the grant revoked the provider may ask again.
      await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(await bearer(provider))
        .send({})
        .expect(201);
    });
  });

  describe('expiry after 30 days (job access-request-expiry)', () => {
    it('a pending request reads as expired after 30 days, cannot be decided, and the job settles it once', async () => {
      const start = t.clock.now();
      try {
        const provider = await createUser(t.app, 'provider');
        const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
        const h = await bearer(provider);
        const req = await t
          .http()
          .post(`/api/v1/patients/${patient.id}/access-requests`)
          .set(h)
          .send({})
          .expect(201);
        const staff = await createUser(t.app, 'staff');
        // Sessions follow the test clock: sign in afresh after moving it.
        const run = async (asOf?: string) => {
          const res = await t
            .http()
            .post('/api/v1/staff/jobs/access-request-expiry/run')
            .set(await bearer(staff))
            .send(asOf ? { asOf } : {});
          expect(res.status).toBe(200);
          return res.body as { job: string; affected: number };
        };

        // Other tests of this file leave pending requests behind: count what is really due at each point.
        const due = async () =>
          (
            await t.dataSource.query(
              `SELECT count(*)::int AS n FROM access_requests WHERE status = 'pending' AND expires_at <= $1`,
              [t.clock.now()],
            )
          )[0].n as number;

        // Day 29: nothing to expire.
        t.clock.set(new Date(start.getTime() + 29 * DAY));
        expect(await due()).toBe(0);
        expect(await run()).toMatchObject({ job: 'access-request-expiry', affected: 0 });

        // One minute past 30 days: reads say expired even before the job runs; the portal can no longer decide.
        t.clock.set(new Date(start.getTime() + 30 * DAY + 60_000));
        const portal = await t
          .http()
          .get(`/api/v1/integration/portal/patients/${patient.mrn}/access-requests?status=expired`)
          .set(PORTAL)
          .expect(200);
        expect(portal.body.items).toEqual([expect.objectContaining({ id: req.body.id, status: 'expired' })]);
        const late = await t
          .http()
          .post(`/api/v1/integration/portal/access-requests/${req.body.id}/decision`)
          .set(PORTAL)
          .send({ decision: 'approve', decidedBy: 'g' })
          .expect(409);
        expect(late.body).toMatchObject({ code: 'request_not_pending', status: 409 });

        // A run for an earlier date does not reach it; today's run does, once.
        expect((await run('2026-12-01')).affected).toBe(0);
        const expected = await due();
        expect(expected).toBeGreaterThanOrEqual(1);
        expect((await run()).affected).toBe(expected);
        expect(await due()).toBe(0);
        expect((await run()).affected).toBe(0);
        const [row] = await t.dataSource.query(
          `SELECT status, decided_at FROM access_requests WHERE id = $1`,
          [req.body.id],
        );
        expect(row.status).toBe('expired');
        expect(new Date(row.decided_at).getTime()).toBe(start.getTime() + 30 * DAY);
        const mails = await notificationsTo(t.dataSource, provider.email);
        expect(mails).toEqual([
          expect.objectContaining({
            template: 'access-request-expired',
            data: expect.objectContaining({ ttlDays: 30, requestedOn: '2026-11-16' }),
          }),
        ]);
        const h2 = await bearer(provider);
        const mine = await t.http().get('/api/v1/access-requests').set(h2).expect(200);
        expect(mine.body.items[0]).toMatchObject({ id: req.body.id, status: 'expired' });
        // Expired: a new request may be sent.
        await t.http().post(`/api/v1/patients/${patient.id}/access-requests`).set(h2).send({}).expect(201);
      } finally {
        t.clock.set(start);
      }
    });

    it('an overdue pending request does not block a new one even before the job ran', async () => {
      const provider = await createUser(t.app, 'provider');
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
      const old = await insertAccessRequest(t.dataSource, {
        requesterId: provider.id,
        patientId: patient.id,
        createdAt: new Date(t.clock.now().getTime() - 31 * DAY),
      });
      await t
        .http()
        .post(`/api/v1/patients/${patient.id}/access-requests`)
        .set(await bearer(provider))
        .send({})
        .expect(201);
      const [row] = await t.dataSource.query(`SELECT status FROM access_requests WHERE id = $1`, [old]);
      expect(row.status).toBe('expired');
    });
  });
});
