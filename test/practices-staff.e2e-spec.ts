import { createTestApp, type TestContext } from './support/test-app.js';
import { createPractice, createUser, makeNpi, tokenFor } from './factories/index.js';
import { auditActions, lastNotification, notifications } from './factories/identity.js';

/** Practices and practice-change requests as the team runs them (API.md v1.1 "Staff: people and practices"). */
describe('staff: practices and practice-change requests', () => {
  let t: TestContext;
  let staff: { id: string; token: string };
  beforeAll(async () => {
    t = await createTestApp();
    const member = await createUser(t.app, 'staff', { roles: ['team'] });
    staff = { id: member.id, token: await tokenFor(t.app, member) };
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (path: string) => t.http().get(`/api/v1${path}`).set('authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) =>
      t.http().post(`/api/v1${path}`).set('authorization', `Bearer ${token}`).send(body),
    patch: (path: string, body: object) =>
      t.http().patch(`/api/v1${path}`).set('authorization', `Bearer ${token}`).send(body),
    delete: (path: string) => t.http().delete(`/api/v1${path}`).set('authorization', `Bearer ${token}`),
  });
  const unknownId = '6f1f4d52-3f0e-4a55-9d39-0d7a3a8e6c11';
  const requestBody = {
    newPracticeName: 'Riverside Pediatrics',
    address: '9 River Rd, Cambridge, MA',
    phone: '617-555-0199',
    fax: '617-555-0198',
    wasSponsor: false,
  };

  describe('practices', () => {
    it('creates a practice (201 {id}), shows it with members and roster, edits it', async () => {
      const created = await as(staff.token).post('/staff/practices', {
        name: 'Harbor Family Medicine',
        address: '12 Harbor St, Salem, MA 01970',
        phone: '978-555-0100',
        fax: '978-555-0101',
      });
      expect(created.status).toBe(201);
      expect(Object.keys(created.body)).toEqual(['id']);
      const id = created.body.id;
      const doctor = await createUser(t.app, 'provider', {
        practiceId: id,
        isSponsor: true,
        lastName: 'Aaron',
      });
      const nurse = await createUser(t.app, 'sponsored', {
        practiceId: id,
        sponsorId: doctor.id,
        npi: null,
        lastName: 'Baker',
      });
      const npi = makeNpi();
      expect((await as(staff.token).post(`/staff/practices/${id}/roster`, { npi })).status).toBe(201);

      const shown = await as(staff.token).get(`/staff/practices/${id}`);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({
        id,
        name: 'Harbor Family Medicine',
        address: '12 Harbor St, Salem, MA 01970',
        phone: '978-555-0100',
        fax: '978-555-0101',
      });
      expect(shown.body.city).toBeTruthy();
      expect(shown.body.members.map((m: { id: string }) => m.id)).toEqual([doctor.id, nurse.id]);
      expect(shown.body.members[0]).toMatchObject({
        kind: 'provider',
        isSponsor: true,
        npi: doctor.npi,
        status: 'active',
      });
      expect(shown.body.members[1]).toMatchObject({ kind: 'sponsored', sponsorId: doctor.id });
      expect(shown.body.roster).toEqual([{ npi }]);

      const edited = await as(staff.token).patch(`/staff/practices/${id}`, {
        name: 'Harbor Family Health',
        fax: '978-555-0109',
      });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        id,
        name: 'Harbor Family Health',
        fax: '978-555-0109',
        phone: '978-555-0100',
      });
      const search = await t.http().get('/api/v1/practices?q=harbor family health');
      expect(search.body.items.map((p: { id: string }) => p.id)).toContain(id);
      expect((await auditActions(t.dataSource, staff.id)).map((a) => a.action)).toEqual(
        expect.arrayContaining(['staff.practice_create', 'staff.practice_update']),
      );
    });

    it('404 for an unknown practice (GET, PATCH); 400 validation_failed for a bad body', async () => {
      expect((await as(staff.token).get(`/staff/practices/${unknownId}`)).status).toBe(404);
      expect((await as(staff.token).get('/staff/practices/not-a-uuid')).status).toBe(404);
      expect((await as(staff.token).patch(`/staff/practices/${unknownId}`, { name: 'X' })).status).toBe(404);
      const practice = await createPractice(t.dataSource);
      expect(
        (await as(staff.token).patch(`/staff/practices/${practice.id}`, { phone: 'call me' })).body.code,
      ).toBe('validation_failed');
      expect(
        (await as(staff.token).patch(`/staff/practices/${practice.id}`, { city: 'Nowhere' })).body.code,
      ).toBe('validation_failed');
      expect((await as(staff.token).post('/staff/practices', { name: 'No address' })).body.code).toBe(
        'validation_failed',
      );
    });

    it('DELETE …/roster/:npi takes the NPI off the roster (204), then 404', async () => {
      const practice = await createPractice(t.dataSource);
      const npi = makeNpi();
      await as(staff.token).post(`/staff/practices/${practice.id}/roster`, { npi });
      const res = await as(staff.token).delete(`/staff/practices/${practice.id}/roster/${npi}`);
      expect(res.status).toBe(204);
      expect((await as(staff.token).get(`/staff/practices/${practice.id}`)).body.roster).toEqual([]);
      expect((await as(staff.token).delete(`/staff/practices/${practice.id}/roster/${npi}`)).status).toBe(
        404,
      );
      expect((await as(staff.token).delete(`/staff/practices/${unknownId}/roster/${npi}`)).status).toBe(404);
      expect((await auditActions(t.dataSource, staff.id)).map((a) => a.action)).toContain(
        'staff.roster_remove',
      );
    });

    it('non-staff get 403', async () => {
      const user = await createUser(t.app, 'provider');
      expect((await as(await tokenFor(t.app, user)).get(`/staff/practices/${user.practiceId}`)).status).toBe(
        403,
      );
    });
  });

  describe('practice-change requests', () => {
    const request = async (user: { id: string; kind: string }) => {
      const token = await tokenFor(t.app, user);
      const res = await as(token).post('/me/practice-change-requests', requestBody);
      expect(res.status).toBe(201);
      return { id: res.body.id as string, token };
    };

    it('complete: moves the requester with their sponsored users, emails them, closes the request; then 409 invalid_state', async () => {
      const sponsor = await createUser(t.app, 'provider', { isSponsor: true });
      const nurse = await createUser(t.app, 'sponsored', {
        practiceId: sponsor.practiceId,
        sponsorId: sponsor.id,
        npi: null,
      });
      const target = await createPractice(t.dataSource, { name: 'Riverside Pediatrics' });
      const { id, token } = await request(sponsor);

      const open = await as(staff.token).get('/staff/practice-change-requests?status=open');
      expect(open.body.items.find((i: { id: string }) => i.id === id)).toMatchObject({
        status: 'open',
        user: { id: sponsor.id },
      });
      const detail = await as(staff.token).get(`/staff/practice-change-requests/${id}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({
        id,
        status: 'open',
        newPracticeName: 'Riverside Pediatrics',
        resolvedAt: null,
      });

      const done = await as(staff.token).post(`/staff/practice-change-requests/${id}/complete`, {
        practiceId: target.id,
      });
      expect(done.status).toBe(200);
      expect(done.body).toEqual({ status: 'completed' });
      const rows = await t.dataSource.query(
        'SELECT id, practice_id FROM users WHERE id = ANY($1) ORDER BY kind',
        [[sponsor.id, nurse.id]],
      );
      expect(rows.map((r: { practice_id: string }) => r.practice_id)).toEqual([target.id, target.id]);
      expect(await lastNotification(t.dataSource, 'practice-moved', sponsor.email)).toBeTruthy();
      expect((await as(staff.token).get(`/staff/practice-change-requests/${id}`)).body).toMatchObject({
        status: 'completed',
        newPracticeId: target.id,
      });
      const completed = (await as(staff.token).get('/staff/practice-change-requests?status=completed')).body
        .items;
      expect(completed.map((i: { id: string }) => i.id)).toContain(id);
      expect(completed.every((i: { status: string }) => i.status === 'completed')).toBe(true);

      const again = await as(staff.token).post(`/staff/practice-change-requests/${id}/complete`, {
        practiceId: target.id,
      });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('invalid_state');
      expect(
        (await as(staff.token).post(`/staff/practice-change-requests/${id}/reject`, { reason: 'late' })).body
          .code,
      ).toBe('invalid_state');

      const mine = await as(token).get('/me/practice-change-requests');
      expect(mine.status).toBe(200);
      expect(mine.body.items).toEqual([
        expect.objectContaining({ id, status: 'completed', createdAt: expect.any(String) }),
      ]);
      expect((await auditActions(t.dataSource, staff.id)).map((a) => a.action)).toContain(
        'staff.practice_change_complete',
      );
    });

    it('complete: 400 unknown_practice (request stays open); 409 not_applicable for a sponsored user’s request; 404 unknown', async () => {
      const provider = await createUser(t.app, 'provider');
      const { id } = await request(provider);
      for (const practiceId of [unknownId, 'not-a-uuid']) {
        const res = await as(staff.token).post(`/staff/practice-change-requests/${id}/complete`, {
          practiceId,
        });
        expect([res.status, res.body.code]).toEqual([400, 'unknown_practice']);
      }
      expect((await as(staff.token).get(`/staff/practice-change-requests/${id}`)).body.status).toBe('open');

      const sponsor = await createUser(t.app, 'provider', { isSponsor: true });
      const nurse = await createUser(t.app, 'sponsored', {
        practiceId: sponsor.practiceId,
        sponsorId: sponsor.id,
        npi: null,
      });
      const theirs = await request(nurse);
      const target = await createPractice(t.dataSource);
      const res = await as(staff.token).post(`/staff/practice-change-requests/${theirs.id}/complete`, {
        practiceId: target.id,
      });
      expect([res.status, res.body.code]).toEqual([409, 'not_applicable']);
      expect((await as(staff.token).get(`/staff/practice-change-requests/${theirs.id}`)).body.status).toBe(
        'open',
      );
      expect(
        (
          await as(staff.token).post(`/staff/practice-change-requests/${unknownId}/complete`, {
            practiceId: target.id,
          })
        ).status,
      ).toBe(404);
      expect((await as(staff.token).get(`/staff/practice-change-requests/${unknownId}`)).status).toBe(404);
    });

    it('reject: 200 {status:"rejected"}, the requester emailed the reason; then 409 invalid_state', async () => {
      const nurseSponsor = await createUser(t.app, 'provider', { isSponsor: true });
      const nurse = await createUser(t.app, 'sponsored', {
        practiceId: nurseSponsor.practiceId,
        sponsorId: nurseSponsor.id,
        npi: null,
      });
      const { id, token } = await request(nurse);
      const res = await as(staff.token).post(`/staff/practice-change-requests/${id}/reject`, {
        reason: 'A sponsor of the new practice creates your new account.',
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'rejected' });
      const mail = await lastNotification(t.dataSource, 'practice-change-rejected', nurse.email);
      expect(mail.data).toMatchObject({ reason: 'A sponsor of the new practice creates your new account.' });
      expect((await as(staff.token).get(`/staff/practice-change-requests/${id}`)).body).toMatchObject({
        status: 'rejected',
        rejectReason: expect.any(String),
      });
      const again = await as(staff.token).post(`/staff/practice-change-requests/${id}/reject`, {
        reason: 'again',
      });
      expect([again.status, again.body.code]).toEqual([409, 'invalid_state']);
      expect((await as(staff.token).post(`/staff/practice-change-requests/${id}/reject`, {})).body.code).toBe(
        'validation_failed',
      );
      expect((await as(token).get('/me/practice-change-requests')).body.items[0]).toMatchObject({
        id,
        status: 'rejected',
      });
      expect(
        await notifications(t.dataSource, { template: 'practice-change-rejected', to: nurse.email }),
      ).toHaveLength(1);
    });

    it('GET /me/practice-change-requests lists only the caller’s; staff get 403; ?status= rejects an unknown status', async () => {
      const a = await createUser(t.app, 'provider');
      const b = await createUser(t.app, 'provider');
      const mineA = await request(a);
      await request(b);
      const list = (await as(mineA.token).get('/me/practice-change-requests')).body.items;
      expect(list.map((i: { id: string }) => i.id)).toEqual([mineA.id]);
      expect((await as(staff.token).get('/me/practice-change-requests')).status).toBe(403);
      expect((await as(staff.token).get('/staff/practice-change-requests?status=done')).body.code).toBe(
        'validation_failed',
      );
    });
  });
});
