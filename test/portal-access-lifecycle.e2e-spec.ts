import { randomUUID } from 'node:crypto';
import { auditActions, createInvitation, notificationsTo } from './factories/access-requests.js';
import { createPractice, createUser, makeNpi, tokenFor } from './factories/index.js';
import { addToRoster, createPatient, grantAccess } from './factories/patient-access.js';
import { createTestApp, type TestContext } from './support/test-app.js';

const PORTAL = { 'x-api-key': 'test-portal-key-0123456789' };
const EHR = { 'x-api-key': 'test-ehr-key-0123456789' };

/** API.md v1.1 "Integration" (portal) and the staff invitation routes. */
describe('the guardian through the portal: viewers, revoking grants, invitations, the request feed', () => {
  let t: TestContext;
  const bearer = async (user: { id: string; kind: string }) => ({
    authorization: `Bearer ${await tokenFor(t.app, user)}`,
  });
  const portal = (path: string) => `/api/v1/integration/portal${path}`;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const newRequest = async (user: { id: string; kind: string }, patientId: string) =>
    (
      await t
        .http()
        .post(`/api/v1/patients/${patientId}/access-requests`)
        .set(await bearer(user))
        .send({})
        .expect(201)
    ).body.id as string;

  describe('POST /integration/portal/patients/:mrn/access-requests/:id/decision', () => {
    it("decides a request of that patient; 404 when it is another patient's (and nothing changes); 409 when not pending", async () => {
      const provider = await createUser(t.app, 'provider');
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
      const other = await createPatient(t.dataSource, { hasPortalAccount: true });
      const id = await newRequest(provider, patient.id);
      const wrong = await t
        .http()
        .post(portal(`/patients/${other.mrn}/access-requests/${id}/decision`))
        .set(PORTAL)
        .send({ decision: 'approve', decidedBy: 'g' })
        .expect(404);
      expect(wrong.body.code).toBe('not_found');
      await t
        .http()
        .post(portal(`/patients/NO-SUCH-MRN/access-requests/${id}/decision`))
        .set(PORTAL)
        .send({ decision: 'approve', decidedBy: 'g' })
        .expect(404);
      const mine = await t
        .http()
        .get('/api/v1/access-requests')
        .set(await bearer(provider))
        .expect(200);
      expect(mine.body.items[0]).toMatchObject({ id, status: 'pending' });

      const ok = await t
        .http()
        .post(portal(`/patients/${patient.mrn}/access-requests/${id}/decision`))
        .set(PORTAL)
        .send({ decision: 'approve', decidedBy: 'g' })
        .expect(200);
      expect(ok.body).toMatchObject({ id, status: 'approved', grantId: expect.any(String) });
      const again = await t
        .http()
        .post(portal(`/patients/${patient.mrn}/access-requests/${id}/decision`))
        .set(PORTAL)
        .send({ decision: 'deny', decidedBy: 'g' })
        .expect(409);
      expect(again.body.code).toBe('request_not_pending');
      await t
        .http()
        .post(portal(`/patients/${patient.mrn}/access-requests/${randomUUID()}/decision`))
        .set(PORTAL)
        .send({ decision: 'deny', decidedBy: 'g' })
        .expect(404);
      await t
        .http()
        .post(portal(`/patients/${patient.mrn}/access-requests/${id}/decision`))
        .set(EHR)
        .send({ decision: 'deny', decidedBy: 'g' })
        .expect(403);
    });
  });

  describe('GET /integration/portal/access-requests?status=&since=', () => {
    it('lists requests across patients with their MRN, oldest change first; since is exclusive on the last status change', async () => {
      const provider = await createUser(t.app, 'provider');
      const [a, b] = [
        await createPatient(t.dataSource, { hasPortalAccount: true }),
        await createPatient(t.dataSource, { hasPortalAccount: true }),
      ];
      const start = t.clock.now().toISOString();
      t.clock.advance(1000);
      const r1 = await newRequest(provider, a.id);
      t.clock.advance(1000);
      const r2 = await newRequest(provider, b.id);
      t.clock.advance(1000);
      await t
        .http()
        .post(portal(`/access-requests/${r1}/decision`))
        .set(PORTAL)
        .send({ decision: 'deny', decidedBy: 'g' })
        .expect(200);
      const denyAt = t.clock.now().toISOString();

      const all = await t
        .http()
        .get(portal('/access-requests'))
        .query({ since: start })
        .set(PORTAL)
        .expect(200);
      expect(all.body.items.map((i: { id: string }) => i.id)).toEqual([r2, r1]);
      expect(all.body.items[0]).toMatchObject({
        id: r2,
        mrn: b.mrn,
        status: 'pending',
        requester: expect.objectContaining({ npi: provider.npi }),
      });
      expect(all.body.items[1]).toMatchObject({ id: r1, mrn: a.mrn, status: 'denied', changedAt: denyAt });
      expect(
        (await t.http().get(portal('/access-requests')).query({ since: denyAt }).set(PORTAL).expect(200)).body
          .items,
      ).toEqual([]);
      const pending = await t
        .http()
        .get(portal('/access-requests'))
        .query({ since: start, status: 'pending' })
        .set(PORTAL)
        .expect(200);
      expect(pending.body.items.map((i: { id: string }) => i.id)).toEqual([r2]);
      const page1 = await t
        .http()
        .get(portal('/access-requests'))
        .query({ since: start, limit: 1 })
        .set(PORTAL)
        .expect(200);
      const page2 = await t
        .http()
        .get(portal('/access-requests'))
        .query({ since: start, limit: 1, cursor: page1.body.nextCursor })
        .set(PORTAL)
        .expect(200);
      expect([...page1.body.items, ...page2.body.items].map((i: { id: string }) => i.id)).toEqual([r2, r1]);
      await t.http().get(portal('/access-requests')).query({ since: 'yesterday' }).set(PORTAL).expect(400);
      await t.http().get(portal('/access-requests')).set(EHR).expect(403);
    });
  });

  describe('viewers and revoking a personal grant', () => {
    it('lists the PCP practice (not its members), care-team providers and personal grants with since/expiresAt/grantId; no emails', async () => {
      const practice = await createPractice(t.dataSource);
      const pcpNpi = makeNpi();
      await createUser(t.app, 'provider', { practiceId: practice.id, npi: pcpNpi });
      const rosterPractice = await createPractice(t.dataSource);
      await createUser(t.app, 'provider', { practiceId: rosterPractice.id });
      await addToRoster(t.dataSource, rosterPractice.id, pcpNpi);
      const careNpi = makeNpi();
      const carer = await createUser(t.app, 'provider', {
        npi: careNpi,
        firstName: 'Cara',
        lastName: 'Team',
      });
      const goneNpi = makeNpi();
      await createUser(t.app, 'provider', { npi: goneNpi, status: 'deactivated' });
      const patient = await createPatient(t.dataSource, {
        hasPortalAccount: true,
        pcpNpi,
        careTeamNpis: [careNpi, goneNpi],
      });
      const holder = await createUser(t.app, 'provider', { firstName: 'Gran', lastName: 'Tee' });
      const expiresAt = new Date(t.clock.now().getTime() + 200 * 86_400_000);
      const grantId = await grantAccess(t.dataSource, {
        userId: holder.id,
        patientId: patient.id,
        basis: 'token',
        createdAt: t.clock.now(),
        expiresAt,
      });
      const expired = await createUser(t.app, 'provider');
      await grantAccess(t.dataSource, {
        userId: expired.id,
        patientId: patient.id,
        basis: 'token',
        expiresAt: new Date(t.clock.now().getTime() - 1),
      });

      const res = await t
        .http()
        .get(portal(`/patients/${patient.mrn}/viewers`))
        .set(PORTAL)
        .expect(200);
      expect(res.body.items).toEqual(
        expect.arrayContaining([
          { kind: 'practice', name: practice.name, basis: 'pcp_practice' },
          { kind: 'practice', name: rosterPractice.name, basis: 'pcp_practice' },
          {
            kind: 'provider',
            name: 'Cara Team',
            npi: careNpi,
            practice: expect.any(String),
            basis: 'care_team',
          },
          {
            kind: 'user',
            name: 'Gran Tee',
            npi: holder.npi,
            practice: expect.any(String),
            basis: 'token',
            since: t.clock.now().toISOString(),
            expiresAt: expiresAt.toISOString(),
            grantId,
          },
        ]),
      );
      expect(res.body.items).toHaveLength(4);
      expect(JSON.stringify(res.body)).not.toContain('@');
      expect(JSON.stringify(res.body)).not.toContain(carer.email);
      await t.http().get(portal('/patients/NO-SUCH/viewers')).set(PORTAL).expect(404);
    });

    it('DELETE …/access-grants/:grantId revokes (204), emails the holder without patient data; 404 for another MRN, twice, or unknown', async () => {
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
      const other = await createPatient(t.dataSource, { hasPortalAccount: true });
      const holder = await createUser(t.app, 'provider');
      const grantId = await grantAccess(t.dataSource, {
        userId: holder.id,
        patientId: patient.id,
        basis: 'approved_request',
      });
      await t
        .http()
        .delete(portal(`/patients/${other.mrn}/access-grants/${grantId}`))
        .set(PORTAL)
        .expect(404);
      await t
        .http()
        .get(`/api/v1/patients/${patient.id}`)
        .set(await bearer(holder))
        .expect(200);
      await t
        .http()
        .delete(portal(`/patients/${patient.mrn}/access-grants/${grantId}`))
        .set(PORTAL)
        .expect(204);
      await t
        .http()
        .get(`/api/v1/patients/${patient.id}`)
        .set(await bearer(holder))
        .expect(403);
      await t
        .http()
        .delete(portal(`/patients/${patient.mrn}/access-grants/${grantId}`))
        .set(PORTAL)
        .expect(404);
      await t
        .http()
        .delete(portal(`/patients/${patient.mrn}/access-grants/${randomUUID()}`))
        .set(PORTAL)
        .expect(404);
      await t
        .http()
        .delete(portal(`/patients/${patient.mrn}/access-grants/nope`))
        .set(PORTAL)
        .expect(404);

      const mails = await notificationsTo(t.dataSource, holder.email, 'access-grant-revoked');
      expect(mails).toHaveLength(1);
      const json = JSON.stringify(mails[0].data);
      for (const secret of [patient.mrn, patient.firstName, patient.lastName, patient.dob, patient.id])
        expect(json).not.toContain(secret);
      expect((await auditActions(t.dataSource, patient.id)).map((a) => a.action)).toEqual(
        expect.arrayContaining(['access.revoke', 'portal.revoke_grant']),
      );
      const [row] = await t.dataSource.query(`SELECT revoked_by FROM access_grants WHERE id = $1`, [grantId]);
      expect(row.revoked_by).toBeNull();
    });
  });

  describe('invitations: portal list and cancel, staff list and cancel', () => {
    it("the portal lists a patient's invitations (staff-issued too) with status; cancelling one makes its token invalid", async () => {
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
      const staff = await createUser(t.app, 'staff');
      const s = await t
        .http()
        .post('/api/v1/staff/invitations')
        .set(await bearer(staff))
        .send({ mrn: patient.mrn, recipientEmail: 'Staff.Sent@Clinic.TEST' })
        .expect(201);
      t.clock.advance(1000);
      const p = await t
        .http()
        .post(portal(`/patients/${patient.mrn}/invitations`))
        .set(PORTAL)
        .send({ recipientEmail: 'wrong@address.test' })
        .expect(201);
      const list = await t
        .http()
        .get(portal(`/patients/${patient.mrn}/invitations`))
        .set(PORTAL)
        .expect(200);
      expect(list.body).toEqual({
        items: [
          {
            id: p.body.id,
            recipientEmail: 'wrong@address.test',
            createdAt: t.clock.now().toISOString(),
            expiresAt: p.body.expiresAt,
            status: 'pending',
          },
          {
            id: s.body.id,
            recipientEmail: 'staff.sent@clinic.test',
            createdAt: expect.any(String),
            expiresAt: s.body.expiresAt,
            status: 'pending',
          },
        ],
        nextCursor: null,
      });
      expect(JSON.stringify(list.body)).not.toMatch(/token/i);

      await t
        .http()
        .delete(portal(`/patients/${patient.mrn}/invitations/${p.body.id}`))
        .set(PORTAL)
        .expect(204);
      const again = await t
        .http()
        .delete(portal(`/patients/${patient.mrn}/invitations/${p.body.id}`))
        .set(PORTAL)
        .expect(409);
      expect(again.body.code).toBe('invalid_state');
      const other = await createPatient(t.dataSource);
      await t
        .http()
        .delete(portal(`/patients/${other.mrn}/invitations/${s.body.id}`))
        .set(PORTAL)
        .expect(404);
      await t
        .http()
        .delete(portal(`/patients/${patient.mrn}/invitations/${randomUUID()}`))
        .set(PORTAL)
        .expect(404);
      await t.http().get(portal('/patients/NO-SUCH/invitations')).set(PORTAL).expect(404);
      const cancelled = await t
        .http()
        .get(portal(`/patients/${patient.mrn}/invitations?status=cancelled`))
        .set(PORTAL)
        .expect(200);
      expect(cancelled.body.items.map((i: { id: string }) => i.id)).toEqual([p.body.id]);
      expect((await auditActions(t.dataSource, patient.id)).map((a) => a.action)).toContain(
        'invitation.cancel',
      );
    });

    it('a cancelled token no longer validates (invalid_token), even for its recipient', async () => {
      const patient = await createPatient(t.dataSource);
      const recipient = await createUser(t.app, 'provider');
      const { id, token } = await createInvitation(t.dataSource, {
        patientId: patient.id,
        recipientEmail: recipient.email,
        createdAt: t.clock.now(),
      });
      await t
        .http()
        .delete(portal(`/patients/${patient.mrn}/invitations/${id}`))
        .set(PORTAL)
        .expect(204);
      const res = await t
        .http()
        .post('/api/v1/tokens/validate')
        .set(await bearer(recipient))
        .send({ token, mrn: patient.mrn })
        .expect(400);
      expect(res.body.code).toBe('invalid_token');
    });

    it('staff list invitations by MRN and status with the MRN, and cancel one (204; 409 invalid_state when used or cancelled)', async () => {
      const patient = await createPatient(t.dataSource);
      const staff = await createUser(t.app, 'staff');
      const h = await bearer(staff);
      const recipient = await createUser(t.app, 'provider');
      const used = await createInvitation(t.dataSource, {
        patientId: patient.id,
        recipientEmail: recipient.email,
        createdAt: t.clock.now(),
      });
      await t
        .http()
        .post('/api/v1/tokens/validate')
        .set(await bearer(recipient))
        .send({ token: used.token, mrn: patient.mrn })
        .expect(200);
      t.clock.advance(1000);
      const pending = await createInvitation(t.dataSource, {
        patientId: patient.id,
        createdAt: t.clock.now(),
      });

      const list = await t
        .http()
        .get('/api/v1/staff/invitations')
        .query({ mrn: patient.mrn })
        .set(h)
        .expect(200);
      expect(list.body.items).toEqual([
        expect.objectContaining({ id: pending.id, mrn: patient.mrn, status: 'pending' }),
        expect.objectContaining({ id: used.id, mrn: patient.mrn, status: 'used' }),
      ]);
      const usedOnly = await t
        .http()
        .get('/api/v1/staff/invitations')
        .query({ mrn: patient.mrn, status: 'used' })
        .set(h)
        .expect(200);
      expect(usedOnly.body.items.map((i: { id: string }) => i.id)).toEqual([used.id]);
      expect(
        (await t.http().get('/api/v1/staff/invitations').query({ mrn: 'NO-SUCH' }).set(h).expect(200)).body
          .items,
      ).toEqual([]);
      await t.http().get('/api/v1/staff/invitations').query({ status: 'bogus' }).set(h).expect(400);
      const anyPage = await t.http().get('/api/v1/staff/invitations').query({ limit: 1 }).set(h).expect(200);
      expect(anyPage.body.items[0]).toHaveProperty('mrn');

      expect(
        (await t.http().delete(`/api/v1/staff/invitations/${used.id}`).set(h).expect(409)).body.code,
      ).toBe('invalid_state');
      await t.http().delete(`/api/v1/staff/invitations/${pending.id}`).set(h).expect(204);
      await t.http().delete(`/api/v1/staff/invitations/${pending.id}`).set(h).expect(409);
      await t.http().delete(`/api/v1/staff/invitations/${randomUUID()}`).set(h).expect(404);
      const provider = await createUser(t.app, 'provider');
      await t
        .http()
        .get('/api/v1/staff/invitations')
        .set(await bearer(provider))
        .expect(403);
    });
  });
});
