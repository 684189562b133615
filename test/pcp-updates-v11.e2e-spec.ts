import { AccessDecisionService } from '../src/modules/patient-access/index.js';
import { createPatient, createUser, makeNpi, type UserRow } from './factories/index.js';
import { addToRoster, EHR_KEY, feedPatient } from './factories/patient-access.js';
import { bearer, notificationsFor, pcpEvents, requestPcpAccess } from './factories/pcp-updates.js';
import { createTestApp, type TestContext } from './support/test-app.js';

// Monday 2026-11-16 10:00 EST.
const MONDAY = '2026-11-16T15:00:00Z';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('PCP updates v1.1: my requests, withdrawal, vocabulary, choosing the PCP, the EHR feed', () => {
  let t: TestContext;
  let staff: UserRow;
  const post = async (user: UserRow, path: string, body: object = {}) =>
    t
      .http()
      .post(`/api/v1${path}`)
      .set('authorization', await bearer(t, user))
      .send(body);
  const get = async (user: UserRow, path: string) =>
    t
      .http()
      .get(`/api/v1${path}`)
      .set('authorization', await bearer(t, user));
  const del = async (user: UserRow, path: string) =>
    t
      .http()
      .delete(`/api/v1${path}`)
      .set('authorization', await bearer(t, user));
  const ehrPut = (mrn: string, body: object) =>
    t.http().put(`/api/v1/integration/ehr/patients/${mrn}`).set('x-api-key', EHR_KEY).send(body);
  const ehrGet = (path: string) => t.http().get(`/api/v1/integration/ehr${path}`).set('x-api-key', EHR_KEY);
  const ehrPost = (path: string) =>
    t.http().post(`/api/v1/integration/ehr${path}`).set('x-api-key', EHR_KEY).send({});
  const confirmation = (overrides: Record<string, unknown> = {}) => ({
    confirmedByName: 'Jordan Rivera',
    relationship: 'mother',
    method: 'phone',
    confirmedAt: t.clock.now().toISOString(),
    ...overrides,
  });
  const pcpOf = async (patientId: string) =>
    (
      (await t.dataSource.query(`SELECT pcp_npi FROM patients WHERE id = $1`, [patientId])) as Array<{
        pcp_npi: string | null;
      }>
    )[0].pcp_npi;
  /** Files, claims and confirms a request: ready to complete. */
  const readyToComplete = async (requester: UserRow, patientId: string) => {
    const { id } = await requestPcpAccess(t, requester, patientId);
    expect((await post(staff, `/staff/pcp-updates/${id}/claim`)).status).toBe(200);
    expect((await post(staff, `/staff/pcp-updates/${id}/confirmation`, confirmation())).status).toBe(200);
    return id;
  };
  /** Every unacknowledged change on the EHR feed, walking the cursor. */
  const allPcpChanges = async (limit = 50) => {
    const items: Array<{ id: string; mrn: string; pcpNpi: string; completedAt: string }> = [];
    let cursor = '';
    for (;;) {
      const res = await ehrGet(`/pcp-changes?limit=${limit}&cursor=${cursor}`);
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      if (!res.body.nextCursor) return items;
      cursor = res.body.nextCursor;
    }
  };

  beforeAll(async () => {
    t = await createTestApp({ now: MONDAY });
    staff = await createUser(t.app, 'staff');
  });
  afterAll(() => t.close());
  beforeEach(() => t.clock.set(MONDAY));

  describe('GET /pcp-access-requests and DELETE /pcp-access-requests/:id', () => {
    it("lists only the caller's requests, newest first, with outcome pcp_set or rejected (never the reason), paged by cursor", async () => {
      const provider = await createUser(t.app, 'provider');
      const [p1, p2, p3] = await Promise.all([1, 2, 3].map(() => createPatient(t.dataSource)));
      const completed = await readyToComplete(provider, p1.id);
      expect((await post(staff, `/staff/pcp-updates/${completed}/complete`)).status).toBe(200);
      t.clock.advance(60_000);
      const rejected = await requestPcpAccess(t, provider, p2.id);
      await post(staff, `/staff/pcp-updates/${rejected.id}/reject`, {
        reason: 'The guardian, Mrs Smith, declined',
      });
      t.clock.advance(60_000);
      const open = await requestPcpAccess(t, provider, p3.id);
      // Someone else's request is not listed.
      await requestPcpAccess(t, await createUser(t.app, 'provider'), p3.id);

      const res = await get(provider, '/pcp-access-requests');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          { id: open.id, patientId: p3.id, status: 'open', createdAt: expect.any(String), dueAt: open.dueAt },
          {
            id: rejected.id,
            patientId: p2.id,
            status: 'rejected',
            createdAt: expect.any(String),
            dueAt: rejected.dueAt,
            outcome: 'rejected',
          },
          {
            id: completed,
            patientId: p1.id,
            status: 'completed',
            createdAt: expect.any(String),
            dueAt: expect.any(String),
            outcome: 'pcp_set',
          },
        ],
        nextCursor: null,
      });
      expect(JSON.stringify(res.body)).not.toContain('Smith');

      const first = await get(provider, '/pcp-access-requests?limit=2');
      expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([open.id, rejected.id]);
      const second = await get(provider, `/pcp-access-requests?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body).toEqual({ items: [expect.objectContaining({ id: completed })], nextCursor: null });
      expect((await get(provider, '/pcp-access-requests?status=completed,rejected')).body.items).toHaveLength(
        2,
      );
      expect((await get(provider, '/pcp-access-requests?status=nope')).status).toBe(400);
      expect((await get(provider, '/pcp-access-requests?cursor=bogus')).body.code).toBe('validation_failed');
      expect((await get(staff, '/pcp-access-requests')).status).toBe(403);
    });

    it('withdraws an open or in-progress request (204, status withdrawn, out of the queue); 404 not yours; 409 request_not_pending', async () => {
      const provider = await createUser(t.app, 'provider');
      const patient = await createPatient(t.dataSource);
      const open = await requestPcpAccess(t, provider, patient.id);
      // Search shows it pending and no longer offers the PCP request.
      const search = await get(provider, `/patients?mrn=${patient.mrn}`);
      expect(search.body.items[0]).toMatchObject({
        access: 'not_authorized',
        pendingRequests: [{ kind: 'pcp', id: open.id, status: 'open' }],
      });
      expect(search.body.items[0].actions).not.toContain('request_pcp_access');

      const other = await createUser(t.app, 'provider');
      expect((await del(other, `/pcp-access-requests/${open.id}`)).status).toBe(404);
      expect((await del(provider, `/pcp-access-requests/${UNKNOWN}`)).status).toBe(404);
      expect((await del(provider, `/pcp-access-requests/not-a-uuid`)).status).toBe(404);

      const res = await del(provider, `/pcp-access-requests/${open.id}`);
      expect(res.status).toBe(204);
      const again = await del(provider, `/pcp-access-requests/${open.id}`);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'request_not_pending', requestStatus: 'withdrawn' });
      expect(await pcpEvents(t.dataSource, open.id)).toEqual(['created', 'withdrawn']);
      const audit = await t.dataSource.query(
        `SELECT action, actor_id FROM audit_events WHERE patient_id = $1 AND action LIKE 'pcp_update.%' ORDER BY id`,
        [patient.id],
      );
      expect(audit.map((a: { action: string }) => a.action)).toEqual([
        'pcp_update.request',
        'pcp_update.withdraw',
      ]);
      // The team can no longer work it, and sees it under the withdrawn filter.
      expect((await post(staff, `/staff/pcp-updates/${open.id}/claim`)).body).toMatchObject({
        code: 'invalid_transition',
        requestStatus: 'withdrawn',
      });
      const listed = await get(staff, '/staff/pcp-updates?status=withdrawn&limit=200');
      expect(listed.status).toBe(200);
      expect(listed.body.items.find((i: { id: string }) => i.id === open.id)).toMatchObject({
        status: 'withdrawn',
        overdue: false,
      });
      expect(
        (await get(staff, '/staff/pcp-updates?status=active&limit=200')).body.items.map(
          (i: { id: string }) => i.id,
        ),
      ).not.toContain(open.id);
      expect((await get(provider, '/pcp-access-requests?status=withdrawn')).body.items).toEqual([
        expect.objectContaining({ id: open.id }),
      ]);

      // A new request may follow; withdrawing it while the team works on it is allowed too.
      const next = await requestPcpAccess(t, provider, patient.id);
      await post(staff, `/staff/pcp-updates/${next.id}/claim`);
      expect((await del(provider, `/pcp-access-requests/${next.id}`)).status).toBe(204);
      expect((await get(staff, `/staff/pcp-updates/${next.id}`)).body).toMatchObject({
        status: 'withdrawn',
        assigneeId: staff.id,
      });
      // The team hears of it (the one working it must stop calling the family); not of open ones.
      const notices = (await notificationsFor(t.dataSource, 'pcp-update-withdrawn-team')).filter((n) =>
        [open.id, next.id].includes(n.data.requestId as string),
      );
      expect(notices).toEqual([
        {
          template: 'pcp-update-withdrawn-team',
          recipient: t.config.teamEmail,
          data: { requestId: next.id, assigneeName: `${staff.firstName} ${staff.lastName}` },
          idempotencyKey: `pcp-update-withdrawn-team:${next.id}`,
        },
      ]);

      // Decided requests are not pending.
      const third = await readyToComplete(provider, patient.id);
      await post(staff, `/staff/pcp-updates/${third}/complete`);
      expect((await del(provider, `/pcp-access-requests/${third}`)).body).toMatchObject({
        code: 'request_not_pending',
        requestStatus: 'completed',
      });
      expect((await t.http().delete(`/api/v1/pcp-access-requests/${third}`)).status).toBe(401);
    });
  });

  describe('confirmation relationship vocabulary', () => {
    it('accepts mother, father and the rest; other needs relationshipOther (1–200), which is refused otherwise', async () => {
      const provider = await createUser(t.app, 'provider');
      const { id } = await requestPcpAccess(t, provider, (await createPatient(t.dataSource)).id);
      await post(staff, `/staff/pcp-updates/${id}/claim`);
      const send = (body: object) => post(staff, `/staff/pcp-updates/${id}/confirmation`, body);
      const refused = async (body: object, field: string) => {
        const res = await send(body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('validation_failed');
        expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      };
      for (const relationship of [
        'mother',
        'father',
        'parent',
        'legal_guardian',
        'foster_parent',
        'grandparent',
        'patient',
      ]) {
        const res = await send(confirmation({ relationship }));
        expect(res.status).toBe(200);
        expect(res.body.confirmation).toMatchObject({ relationship, relationshipOther: null });
      }
      for (const method of ['phone', 'in_person', 'video', 'portal_message'])
        expect((await send(confirmation({ method }))).status).toBe(200);
      await refused(confirmation({ relationship: 'other' }), 'relationshipOther');
      await refused(confirmation({ relationship: 'other', relationshipOther: '   ' }), 'relationshipOther');
      await refused(
        confirmation({ relationship: 'other', relationshipOther: 'x'.repeat(201) }),
        'relationshipOther',
      );
      await refused(confirmation({ relationship: 'other', relationshipOther: 42 }), 'relationshipOther');
      await refused(confirmation({ relationship: 'mother', relationshipOther: 'aunt' }), 'relationshipOther');
      await refused(confirmation({ relationship: 'aunt' }), 'relationship');
      await refused(confirmation({ method: 'email' }), 'method');

      const ok = await send(
        confirmation({ relationship: 'other', relationshipOther: '  Aunt (court-appointed caregiver) ' }),
      );
      expect(ok.status).toBe(200);
      expect(ok.body.confirmation).toMatchObject({
        relationship: 'other',
        relationshipOther: 'Aunt (court-appointed caregiver)',
      });
      const detail = await get(staff, `/staff/pcp-updates/${id}`);
      expect(detail.body.history.at(-1).details).toMatchObject({
        relationship: 'other',
        relationshipOther: 'Aunt (court-appointed caregiver)',
      });
      // The free text may name the family: it stays out of the audit trail.
      const audit = await t.dataSource.query(
        `SELECT details FROM audit_events WHERE action = 'pcp_update.confirmation'`,
      );
      expect(JSON.stringify(audit)).not.toContain('court-appointed');
    });
  });

  describe('choosing the PCP on completion (pcpNpi)', () => {
    it("sets a physician of the requester's practice (member or roster); refuses others with 400 not_a_practice_physician", async () => {
      const provider = await createUser(t.app, 'provider');
      const colleague = await createUser(t.app, 'provider', { practiceId: provider.practiceId });
      const rostered = makeNpi();
      await addToRoster(t.dataSource, provider.practiceId!, rostered);
      const outsider = await createUser(t.app, 'provider');

      const patient = await createPatient(t.dataSource);
      const id = await readyToComplete(provider, patient.id);
      for (const npi of [outsider.npi!, makeNpi()]) {
        const res = await post(staff, `/staff/pcp-updates/${id}/complete`, { pcpNpi: npi });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('not_a_practice_physician');
      }
      const malformed = await post(staff, `/staff/pcp-updates/${id}/complete`, { pcpNpi: '123' });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({
        code: 'validation_failed',
        errors: [expect.objectContaining({ field: 'pcpNpi' })],
      });
      expect(await pcpOf(patient.id)).toBeNull();
      expect((await get(staff, `/staff/pcp-updates/${id}`)).body.status).toBe('in_progress');

      const done = await post(staff, `/staff/pcp-updates/${id}/complete`, { pcpNpi: rostered });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'completed', pcpNpi: rostered });
      expect(await pcpOf(patient.id)).toBe(rostered);
      expect(await t.app.get(AccessDecisionService).decide(provider.id, patient.id)).toEqual({
        allowed: true,
        basis: 'pcp_practice',
      });
      expect((await get(staff, `/staff/pcp-updates/${id}`)).body).toMatchObject({
        appliedPcpNpi: rostered,
        pcpNpiToApply: rostered,
      });

      const second = await createPatient(t.dataSource);
      const id2 = await readyToComplete(provider, second.id);
      expect(
        (await post(staff, `/staff/pcp-updates/${id2}/complete`, { pcpNpi: colleague.npi })).body.pcpNpi,
      ).toBe(colleague.npi);
      // Without pcpNpi: the requester.
      const third = await createPatient(t.dataSource);
      const id3 = await readyToComplete(provider, third.id);
      expect((await post(staff, `/staff/pcp-updates/${id3}/complete`)).body.pcpNpi).toBe(provider.npi);
    });

    it("chooses among the sponsor's practice's physicians for a sponsored requester (default the sponsor)", async () => {
      const sponsor = await createUser(t.app, 'provider', { isSponsor: true });
      const nurse = await createUser(t.app, 'sponsored', {
        sponsorId: sponsor.id,
        practiceId: sponsor.practiceId,
        npi: null,
      });
      const partner = await createUser(t.app, 'provider', { practiceId: sponsor.practiceId });
      const outsider = await createUser(t.app, 'provider');
      const patient = await createPatient(t.dataSource);
      const id = await readyToComplete(nurse, patient.id);
      expect(
        (await post(staff, `/staff/pcp-updates/${id}/complete`, { pcpNpi: outsider.npi })).body.code,
      ).toBe('not_a_practice_physician');
      const done = await post(staff, `/staff/pcp-updates/${id}/complete`, { pcpNpi: partner.npi });
      expect(done.body).toMatchObject({ status: 'completed', pcpNpi: partner.npi });
      expect(await t.app.get(AccessDecisionService).decide(nurse.id, patient.id)).toEqual({
        allowed: true,
        basis: 'pcp_practice',
      });
      const other = await createPatient(t.dataSource);
      const id2 = await readyToComplete(nurse, other.id);
      expect((await post(staff, `/staff/pcp-updates/${id2}/complete`)).body.pcpNpi).toBe(sponsor.npi);
    });
  });

  describe('the EHR feed of team PCP changes', () => {
    it('a completed PCP change survives an older EHR update and is on the EHR feed until acknowledged', async () => {
      const provider = await createUser(t.app, 'provider');
      const ehrPcp = makeNpi();
      const mrn = `MRN-HOLD-${Date.now().toString(36)}`;
      const base = {
        firstName: 'Avery',
        lastName: 'Lopez',
        dob: '2016-03-14',
        hasPortalAccount: false,
        careTeamNpis: [],
      };
      const first = await ehrPut(mrn, {
        ...base,
        pcpNpi: ehrPcp,
        sourceUpdatedAt: '2026-11-16T09:00:00-05:00',
      });
      expect(first.status).toBe(201);
      const patientId = first.body.patientId as string;

      const id = await readyToComplete(provider, patientId);
      const done = await post(staff, `/staff/pcp-updates/${id}/complete`);
      expect(done.body).toMatchObject({ status: 'completed', pcpNpi: provider.npi });
      const feed = (await allPcpChanges()).filter((c) => c.mrn === mrn);
      expect(feed).toEqual([
        { id: expect.any(String), mrn, pcpNpi: provider.npi, completedAt: t.clock.now().toISOString() },
      ]);
      const changeId = feed[0].id;
      expect((await get(staff, `/staff/pcp-updates/${id}`)).body).toMatchObject({
        ehrChangeId: changeId,
        ehrAcknowledgedAt: null,
      });

      // An older update changes nothing at all.
      const stale = await ehrPut(mrn, {
        ...base,
        lastName: 'Stale',
        pcpNpi: ehrPcp,
        sourceUpdatedAt: '2026-11-16T08:00:00-05:00',
      });
      expect(stale.status).toBe(200);
      expect(stale.body).toMatchObject({ applied: false, patientId });
      const [row] = await t.dataSource.query(`SELECT last_name, pcp_npi FROM patients WHERE id = $1`, [
        patientId,
      ]);
      expect(row).toEqual({ last_name: 'Lopez', pcp_npi: provider.npi });

      // A newer update applies every field but the PCP while the change is unacknowledged.
      t.clock.advance(60_000);
      const newer = await ehrPut(mrn, {
        ...base,
        lastName: 'Lopez-Reyes',
        pcpNpi: ehrPcp,
        sourceUpdatedAt: '2026-11-16T10:30:00-05:00',
      });
      expect(newer.status).toBe(200);
      expect(newer.body).toMatchObject({ patientId, created: false, pcpHeld: true });
      expect(newer.body.applied).toBeUndefined();
      const [after] = await t.dataSource.query(`SELECT last_name, pcp_npi FROM patients WHERE id = $1`, [
        patientId,
      ]);
      expect(after).toEqual({ last_name: 'Lopez-Reyes', pcp_npi: provider.npi });
      // Without sourceUpdatedAt the hold still applies.
      expect((await ehrPut(mrn, { ...base, lastName: 'Lopez-Reyes', pcpNpi: ehrPcp })).body).toMatchObject({
        pcpHeld: true,
      });
      expect(await t.app.get(AccessDecisionService).decide(provider.id, patientId)).toEqual({
        allowed: true,
        basis: 'pcp_practice',
      });
      expect((await allPcpChanges()).filter((c) => c.mrn === mrn)).toHaveLength(1);

      // Acknowledged: off the feed, and the EHR is again the source of truth.
      const ack = await ehrPost(`/pcp-changes/${changeId}/ack`);
      expect(ack.status).toBe(200);
      expect((await ehrPost(`/pcp-changes/${changeId}/ack`)).status).toBe(200);
      expect((await ehrPost(`/pcp-changes/${UNKNOWN}/ack`)).status).toBe(404);
      expect((await ehrPost(`/pcp-changes/nope/ack`)).status).toBe(404);
      expect((await allPcpChanges()).filter((c) => c.mrn === mrn)).toEqual([]);
      expect((await get(staff, `/staff/pcp-updates/${id}`)).body.ehrAcknowledgedAt).toBe(
        t.clock.now().toISOString(),
      );
      const audit = await t.dataSource.query(
        `SELECT action FROM audit_events WHERE patient_id = $1 AND action = 'ehr.pcp_change_ack'`,
        [patientId],
      );
      expect(audit).toHaveLength(1);
      const released = await ehrPut(mrn, {
        ...base,
        lastName: 'Lopez-Reyes',
        pcpNpi: ehrPcp,
        sourceUpdatedAt: '2026-11-16T11:00:00-05:00',
      });
      expect(released.body.pcpHeld).toBeUndefined();
      expect(await pcpOf(patientId)).toBe(ehrPcp);
    });

    it('lists the latest unacknowledged change per MRN, oldest first, paged; acknowledging the latest settles the older', async () => {
      const a = await createUser(t.app, 'provider');
      const b = await createUser(t.app, 'provider');
      const p1 = await createPatient(t.dataSource);
      const p2 = await createPatient(t.dataSource);
      const first = await readyToComplete(a, p1.id);
      await post(staff, `/staff/pcp-updates/${first}/complete`);
      t.clock.advance(60_000);
      const onP2 = await readyToComplete(a, p2.id);
      await post(staff, `/staff/pcp-updates/${onP2}/complete`);
      t.clock.advance(60_000);
      // A second team change for p1 (another practice's request): only it is listed for p1, now after p2.
      const second = await readyToComplete(b, p1.id);
      await post(staff, `/staff/pcp-updates/${second}/complete`);

      const mine = (await allPcpChanges(1)).filter((c) => c.mrn === p1.mrn || c.mrn === p2.mrn);
      expect(mine.map((c) => [c.mrn, c.pcpNpi])).toEqual([
        [p2.mrn, a.npi],
        [p1.mrn, b.npi],
      ]);
      const all = await allPcpChanges();
      expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
      expect([...all].sort((x, y) => x.completedAt.localeCompare(y.completedAt))).toEqual(all);

      expect((await ehrPost(`/pcp-changes/${mine[1].id}/ack`)).status).toBe(200);
      expect((await allPcpChanges()).filter((c) => c.mrn === p1.mrn)).toEqual([]);
      expect((await get(staff, `/staff/pcp-updates/${first}`)).body.ehrAcknowledgedAt).not.toBeNull();
      // The EHR may now set p1's PCP; p2 is still held.
      expect(
        (
          await ehrPut(p1.mrn, {
            firstName: 'Avery',
            lastName: p1.lastName,
            dob: p1.dob,
            hasPortalAccount: false,
            careTeamNpis: [],
          })
        ).body.pcpHeld,
      ).toBeUndefined();
      expect(
        (
          await ehrPut(p2.mrn, {
            firstName: 'Avery',
            lastName: p2.lastName,
            dob: p2.dob,
            hasPortalAccount: false,
            careTeamNpis: [],
          })
        ).body.pcpHeld,
      ).toBe(true);
      expect(await pcpOf(p2.id)).toBe(a.npi);
    });

    it('needs the EHR key; validates sourceUpdatedAt and the cursor', async () => {
      expect((await t.http().get('/api/v1/integration/ehr/pcp-changes')).status).toBe(401);
      expect(
        (await t.http().post(`/api/v1/integration/ehr/pcp-changes/${UNKNOWN}/ack`).send({})).status,
      ).toBe(401);
      expect((await ehrGet('/pcp-changes?cursor=bogus')).body.code).toBe('validation_failed');
      const mrn = `MRN-SRC-${Date.now().toString(36)}`;
      await feedPatient(t, mrn);
      const bad = await ehrPut(mrn, {
        firstName: 'A',
        lastName: 'B',
        dob: '2016-03-14',
        hasPortalAccount: false,
        careTeamNpis: [],
        sourceUpdatedAt: 'yesterday',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['sourceUpdatedAt']),
      );
      // An update without sourceUpdatedAt after one with it still applies; equal times apply again.
      const body = {
        firstName: 'A',
        lastName: 'B',
        dob: '2016-03-14',
        hasPortalAccount: false,
        careTeamNpis: [],
        sourceUpdatedAt: '2026-11-16T09:00:00Z',
      };
      expect((await ehrPut(mrn, body)).body.applied).toBeUndefined();
      expect((await ehrPut(mrn, { ...body, lastName: 'C' })).body.applied).toBeUndefined();
      expect(
        (await ehrPut(mrn, { ...body, lastName: 'D', sourceUpdatedAt: '2026-11-16T08:59:59Z' })).body,
      ).toMatchObject({
        applied: false,
      });
      const [row] = await t.dataSource.query(`SELECT last_name FROM patients WHERE mrn = $1`, [mrn]);
      expect(row.last_name).toBe('C');
    });
  });

  describe('staff reads', () => {
    it('audits the queue and the detail as staff.patient_read, one entry per patient shown, with the route', async () => {
      const provider = await createUser(t.app, 'provider');
      const patient = await createPatient(t.dataSource);
      const { id } = await requestPcpAccess(t, provider, patient.id);
      await requestPcpAccess(t, await createUser(t.app, 'provider'), patient.id);
      const reads = async () =>
        (await t.dataSource.query(
          `SELECT actor_id, details FROM audit_events WHERE patient_id = $1 AND action = 'staff.patient_read' ORDER BY id`,
          [patient.id],
        )) as Array<{ actor_id: string; details: { route: string } }>;
      expect((await get(staff, '/staff/pcp-updates?status=open&limit=200')).status).toBe(200);
      expect(await reads()).toEqual([
        { actor_id: staff.id, details: expect.objectContaining({ route: 'GET /staff/pcp-updates' }) },
      ]);
      expect((await get(staff, `/staff/pcp-updates/${id}`)).status).toBe(200);
      expect((await reads()).map((r) => r.details.route)).toEqual([
        'GET /staff/pcp-updates',
        'GET /staff/pcp-updates/:id',
      ]);
    });
  });

  describe("the requester's outcome email", () => {
    it('emails the requester on completion and rejection without patient data', async () => {
      const provider = await createUser(t.app, 'provider');
      const patient = await createPatient(t.dataSource);
      const id = await readyToComplete(provider, patient.id);
      await post(staff, `/staff/pcp-updates/${id}/complete`);
      const other = await createPatient(t.dataSource);
      const rejected = await requestPcpAccess(t, provider, other.id);
      await post(staff, `/staff/pcp-updates/${rejected.id}/reject`, {
        reason: `Family of ${other.lastName} declined`,
      });
      const done = await notificationsFor(t.dataSource, 'pcp-update-completed', provider.email);
      const no = await notificationsFor(t.dataSource, 'pcp-update-rejected', provider.email);
      expect(done.map((m) => m.data)).toEqual([{ firstName: provider.firstName, requestId: id }]);
      expect(no.map((m) => m.data)).toEqual([{ firstName: provider.firstName, requestId: rejected.id }]);
      for (const secret of [patient.mrn, patient.lastName, other.mrn, other.lastName])
        expect(JSON.stringify([done, no])).not.toContain(secret);
    });
  });
});
