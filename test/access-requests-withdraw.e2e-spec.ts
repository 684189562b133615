import { randomUUID } from 'node:crypto';
import { auditActions, insertAccessRequest } from './factories/access-requests.js';
import { createPatient, createUser, tokenFor } from './factories/index.js';
import { createTestApp, type TestContext } from './support/test-app.js';

const PORTAL = { 'x-api-key': 'test-portal-key-0123456789' };
const DAY = 86_400_000;

/** API.md v1.1 "Patients and requests": pendingRequests in search, withdrawing a request. */
describe('pending requests in search and withdrawing a non-PCP request', () => {
  let t: TestContext;
  const bearer = async (user: { id: string; kind: string }) => ({
    authorization: `Bearer ${await tokenFor(t.app, user)}`,
  });

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const search = async (user: { id: string; kind: string }, mrn: string) =>
    (
      await t
        .http()
        .get('/api/v1/patients')
        .query({ mrn })
        .set(await bearer(user))
        .expect(200)
    ).body.items;
  const request = async (user: { id: string; kind: string }, patientId: string) =>
    (
      await t
        .http()
        .post(`/api/v1/patients/${patientId}/access-requests`)
        .set(await bearer(user))
        .send({})
        .expect(201)
    ).body.id as string;

  it("a not_authorized match carries the caller's pending request, and actions leave out that kind", async () => {
    const provider = await createUser(t.app, 'provider');
    const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
    expect(await search(provider, patient.mrn)).toEqual([
      {
        patientId: patient.id,
        access: 'not_authorized',
        actions: ['request_pcp_access', 'request_non_pcp_access'],
        portalAccount: true,
        pendingRequests: [],
      },
    ]);
    const id = await request(provider, patient.id);
    expect(await search(provider, patient.mrn)).toEqual([
      {
        patientId: patient.id,
        access: 'not_authorized',
        actions: ['request_pcp_access'],
        portalAccount: true,
        pendingRequests: [{ kind: 'non_pcp', id, status: 'pending' }],
      },
    ]);
    // Another user's request is not shown to this caller.
    const colleague = await createUser(t.app, 'provider');
    expect((await search(colleague, patient.mrn))[0]).toMatchObject({
      actions: ['request_pcp_access', 'request_non_pcp_access'],
      pendingRequests: [],
    });
  });

  it('a lapsed pending request (past its 30 days) is not pending any more in search', async () => {
    const provider = await createUser(t.app, 'provider');
    const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
    await insertAccessRequest(t.dataSource, {
      requesterId: provider.id,
      patientId: patient.id,
      createdAt: new Date(t.clock.now().getTime() - 31 * DAY),
    });
    expect((await search(provider, patient.mrn))[0]).toMatchObject({
      actions: ['request_pcp_access', 'request_non_pcp_access'],
      pendingRequests: [],
    });
  });

  it('DELETE /access-requests/:id withdraws: 204, status withdrawn everywhere and in ?status= filters, audited, offered again', async () => {
    const provider = await createUser(t.app, 'provider');
    const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
    const id = await request(provider, patient.id);
    const h = await bearer(provider);
    await t.http().delete(`/api/v1/access-requests/${id}`).set(h).expect(204);

    const mine = await t.http().get('/api/v1/access-requests').set(h).expect(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({ id, status: 'withdrawn', decidedAt: t.clock.now().toISOString() }),
    ]);
    const filtered = await t.http().get('/api/v1/access-requests?status=withdrawn').set(h).expect(200);
    expect(filtered.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect(
      (await t.http().get('/api/v1/access-requests?status=pending').set(h).expect(200)).body.items,
    ).toEqual([]);
    const portal = await t
      .http()
      .get(`/api/v1/integration/portal/patients/${patient.mrn}/access-requests?status=withdrawn`)
      .set(PORTAL)
      .expect(200);
    expect(portal.body.items).toEqual([expect.objectContaining({ id, status: 'withdrawn' })]);
    expect(await auditActions(t.dataSource, patient.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'access_request.withdraw',
          outcome: 'success',
          details: { requestId: id },
        }),
      ]),
    );

    // The portal can no longer decide it; search offers a new request; a new one can be sent.
    const decided = await t
      .http()
      .post(`/api/v1/integration/portal/access-requests/${id}/decision`)
      .set(PORTAL)
      .send({ decision: 'approve', decidedBy: 'guardian-1' })
      .expect(409);
    expect(decided.body).toMatchObject({ code: 'request_not_pending', status: 409 });
    expect(decided.body.detail).toContain('withdrawn');
    expect((await search(provider, patient.mrn))[0]).toMatchObject({
      actions: ['request_pcp_access', 'request_non_pcp_access'],
      pendingRequests: [],
    });
    await request(provider, patient.id);
  });

  it("409 request_not_pending for a withdrawn, decided or lapsed request; 404 for another's, unknown or malformed id", async () => {
    const provider = await createUser(t.app, 'provider');
    const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
    const h = await bearer(provider);
    const id = await request(provider, patient.id);
    await t.http().delete(`/api/v1/access-requests/${id}`).set(h).expect(204);
    const again = await t.http().delete(`/api/v1/access-requests/${id}`).set(h).expect(409);
    expect(again.body).toMatchObject({ status: 409, code: 'request_not_pending' });
    expect(again.body.detail).toContain('withdrawn');

    const denied = await request(provider, patient.id);
    await t
      .http()
      .post(`/api/v1/integration/portal/access-requests/${denied}/decision`)
      .set(PORTAL)
      .send({ decision: 'deny', decidedBy: 'g' })
      .expect(200);
    expect((await t.http().delete(`/api/v1/access-requests/${denied}`).set(h).expect(409)).body.code).toBe(
      'request_not_pending',
    );

    const other = await createPatient(t.dataSource, { hasPortalAccount: true });
    const lapsed = await insertAccessRequest(t.dataSource, {
      requesterId: provider.id,
      patientId: other.id,
      createdAt: new Date(t.clock.now().getTime() - 31 * DAY),
    });
    expect(
      (await t.http().delete(`/api/v1/access-requests/${lapsed}`).set(h).expect(409)).body,
    ).toMatchObject({ code: 'request_not_pending' });

    const colleague = await createUser(t.app, 'provider');
    const theirs = await request(colleague, other.id);
    expect((await t.http().delete(`/api/v1/access-requests/${theirs}`).set(h).expect(404)).body.code).toBe(
      'not_found',
    );
    await t.http().delete(`/api/v1/access-requests/${randomUUID()}`).set(h).expect(404);
    await t.http().delete('/api/v1/access-requests/not-a-uuid').set(h).expect(404);
    // The colleague's request is untouched.
    const theirList = await t
      .http()
      .get('/api/v1/access-requests')
      .set(await bearer(colleague))
      .expect(200);
    expect(theirList.body.items[0]).toMatchObject({ id: theirs, status: 'pending' });
  });

  it('staff may not withdraw (403); anonymous 401', async () => {
    const staff = await createUser(t.app, 'staff');
    await t
      .http()
      .delete(`/api/v1/access-requests/${randomUUID()}`)
      .set(await bearer(staff))
      .expect(403);
    await t.http().delete(`/api/v1/access-requests/${randomUUID()}`).expect(401);
  });

  it('a sponsored user withdraws their own request', async () => {
    const sponsor = await createUser(t.app, 'provider', { isSponsor: true });
    const nurse = await createUser(t.app, 'sponsored', { sponsorId: sponsor.id });
    const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
    const id = await request(nurse, patient.id);
    expect((await search(nurse, patient.mrn))[0].pendingRequests).toEqual([
      { kind: 'non_pcp', id, status: 'pending' },
    ]);
    await t
      .http()
      .delete(`/api/v1/access-requests/${id}`)
      .set(await bearer(nurse))
      .expect(204);
  });
});
