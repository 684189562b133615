import { AccessDecisionService } from '../src/modules/patient-access/access-decision.service.js';
import { SchedulerRegistry } from '@nestjs/schedule';
import { JobsService } from '../src/modules/jobs/index.js';
import { createPatient, createUser, type UserRow } from './factories/index.js';
import {
  bearer,
  notificationsFor,
  pcpEvents,
  providerAndPatient,
  requestPcpAccess,
} from './factories/pcp-updates.js';
import { createTestApp, type TestContext } from './support/test-app.js';

// Monday 2026-11-16 10:00 EST.
const MONDAY = '2026-11-16T15:00:00Z';

describe('PCP update process', () => {
  let t: TestContext;
  let staff: UserRow;
  let staff2: UserRow;
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
  const confirmation = (overrides: Record<string, unknown> = {}) => ({
    confirmedByName: 'Jordan Rivera',
    relationship: 'parent',
    method: 'phone',
    confirmedAt: t.clock.now().toISOString(),
    ...overrides,
  });

  beforeAll(async () => {
    t = await createTestApp({ now: MONDAY });
    staff = await createUser(t.app, 'staff');
    staff2 = await createUser(t.app, 'staff');
  });
  afterAll(() => t.close());
  beforeEach(() => t.clock.set(MONDAY));

  describe('POST /patients/:patientId/pcp-access-requests', () => {
    it('queues the request as open, due at the end of the third business day, and emails the team', async () => {
      const { provider, patient } = await providerAndPatient(t);
      const res = await post(provider, `/patients/${patient.id}/pcp-access-requests`, {
        note: 'New patient, first visit Dec 3',
      });
      expect(res.status).toBe(201);
      // Mon → Tue, Wed, Thu: due Thursday 23:59:59.999 EST.
      expect(res.body).toEqual({ id: expect.any(String), status: 'open', dueAt: '2026-11-20T04:59:59.999Z' });
      const [mail] = await notificationsFor(t.dataSource, 'pcp-request-team');
      const mine = (await notificationsFor(t.dataSource, 'pcp-request-team')).find(
        (n) => n.data.requestId === res.body.id,
      );
      expect(mail).toBeDefined();
      expect(mine).toMatchObject({
        recipient: t.config.teamEmail,
        idempotencyKey: `pcp-request-team:${res.body.id}`,
      });
      const serialized = JSON.stringify(mine!.data);
      for (const secret of [patient.mrn, patient.lastName, patient.dob, 'first visit'])
        expect(serialized).not.toContain(secret);
      expect(mine!.data).toMatchObject({
        requesterName: `${provider.firstName} ${provider.lastName}`,
        dueDate: 'Thursday, November 19, 2026',
      });
      expect(await pcpEvents(t.dataSource, res.body.id)).toEqual(['created']);
      const audit = await t.dataSource.query(
        `SELECT actor_id, action, outcome FROM audit_events WHERE patient_id = $1`,
        [patient.id],
      );
      expect(audit).toEqual([{ actor_id: provider.id, action: 'pcp_update.request', outcome: 'success' }]);
    });

    it('skips Thanksgiving and the weekend when setting the due date', async () => {
      t.clock.set('2026-11-25T20:00:00Z'); // Wednesday before Thanksgiving, 15:00 EST
      const { provider, patient } = await providerAndPatient(t);
      const body = await requestPcpAccess(t, provider, patient.id);
      // Thu 26 (holiday) skipped → Fri 27, Mon 30, Tue Dec 1.
      expect(body.dueAt).toBe('2026-12-02T04:59:59.999Z');
    });

    it('answers 409 request_pending for a second request while one is open or in progress, per requester', async () => {
      const { provider, patient } = await providerAndPatient(t);
      const first = await requestPcpAccess(t, provider, patient.id);
      const again = await post(provider, `/patients/${patient.id}/pcp-access-requests`);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'request_pending', requestId: first.id });
      expect((await post(staff, `/staff/pcp-updates/${first.id}/claim`)).status).toBe(200);
      expect((await post(provider, `/patients/${patient.id}/pcp-access-requests`)).body.code).toBe(
        'request_pending',
      );
      // Someone else may ask for the same patient.
      const other = await createUser(t.app, 'provider');
      expect((await post(other, `/patients/${patient.id}/pcp-access-requests`)).status).toBe(201);
      // Once closed, the requester may ask again.
      expect(
        (await post(staff, `/staff/pcp-updates/${first.id}/reject`, { reason: 'Family did not answer' }))
          .status,
      ).toBe(200);
      expect((await post(provider, `/patients/${patient.id}/pcp-access-requests`)).status).toBe(201);
    });

    it('lets exactly one of two simultaneous duplicate requests through', async () => {
      const { provider, patient } = await providerAndPatient(t);
      const auth = await bearer(t, provider);
      const results = await Promise.all(
        [1, 2, 3].map(() =>
          t
            .http()
            .post(`/api/v1/patients/${patient.id}/pcp-access-requests`)
            .set('authorization', auth)
            .send({}),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'request_pending')).toBe(
        true,
      );
    });

    it('answers 409 already_authorized when the caller may already view the patient', async () => {
      const provider = await createUser(t.app, 'provider');
      const pcpPatient = await createPatient(t.dataSource, { pcpNpi: provider.npi });
      const res = await post(provider, `/patients/${pcpPatient.id}/pcp-access-requests`);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'already_authorized', basis: 'pcp_practice' });
      const careTeamPatient = await createPatient(t.dataSource, { careTeamNpis: [provider.npi!] });
      expect((await post(provider, `/patients/${careTeamPatient.id}/pcp-access-requests`)).body.code).toBe(
        'already_authorized',
      );
    });

    it('answers 404 for an unknown or malformed patient id, 400 for bad bodies, 403 for staff, 401 without a token', async () => {
      const provider = await createUser(t.app, 'provider');
      const unknown = await post(
        provider,
        `/patients/00000000-0000-4000-8000-000000000000/pcp-access-requests`,
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('not_found');
      expect((await post(provider, `/patients/not-a-uuid/pcp-access-requests`)).status).toBe(404);
      const patient = await createPatient(t.dataSource);
      const long = await post(provider, `/patients/${patient.id}/pcp-access-requests`, {
        note: 'x'.repeat(1001),
      });
      expect(long.status).toBe(400);
      expect(long.body.errors).toEqual([expect.objectContaining({ field: 'note' })]);
      expect((await post(provider, `/patients/${patient.id}/pcp-access-requests`, { note: 42 })).status).toBe(
        400,
      );
      expect(
        (await post(provider, `/patients/${patient.id}/pcp-access-requests`, { extra: true })).body.code,
      ).toBe('validation_failed');
      expect((await post(staff, `/patients/${patient.id}/pcp-access-requests`)).status).toBe(403);
      expect(
        (await t.http().post(`/api/v1/patients/${patient.id}/pcp-access-requests`).send({})).status,
      ).toBe(401);
    });
  });

  describe('the team workflow', () => {
    it('claims, records the confirmation, completes: the PCP changes, access follows, the requester is emailed', async () => {
      const { provider, patient } = await providerAndPatient(t);
      const decisions = t.app.get(AccessDecisionService);
      expect((await decisions.decide(provider.id, patient.id)).allowed).toBe(false);
      const { id } = await requestPcpAccess(t, provider, patient.id);

      const claim = await post(staff, `/staff/pcp-updates/${id}/claim`);
      expect(claim.status).toBe(200);
      expect(claim.body).toMatchObject({ status: 'in_progress', assigneeId: staff.id });

      const early = await post(staff, `/staff/pcp-updates/${id}/complete`);
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('confirmation_required');

      t.clock.advance(3_600_000);
      const confirmedAt = new Date(t.clock.now().getTime() - 10 * 60_000).toISOString();
      const conf = await post(
        staff,
        `/staff/pcp-updates/${id}/confirmation`,
        confirmation({ confirmedAt, method: 'in_person' }),
      );
      expect(conf.status).toBe(200);
      expect(conf.body.confirmation).toMatchObject({
        confirmedByName: 'Jordan Rivera',
        relationship: 'parent',
        method: 'in_person',
        confirmedAt,
        recordedBy: staff.id,
      });

      const done = await post(staff, `/staff/pcp-updates/${id}/complete`);
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'completed', pcpNpi: provider.npi });
      const [row] = await t.dataSource.query(`SELECT pcp_npi FROM patients WHERE id = $1`, [patient.id]);
      expect(row.pcp_npi).toBe(provider.npi);
      expect(await decisions.decide(provider.id, patient.id)).toEqual({
        allowed: true,
        basis: 'pcp_practice',
      });
      // Now that access holds, another request is refused.
      expect((await post(provider, `/patients/${patient.id}/pcp-access-requests`)).body.code).toBe(
        'already_authorized',
      );

      const mails = await notificationsFor(t.dataSource, 'pcp-update-completed', provider.email);
      expect(mails).toHaveLength(1);
      expect(JSON.stringify(mails[0].data)).not.toContain(patient.mrn);
      expect(JSON.stringify(mails[0].data)).not.toContain(patient.lastName);
      expect(await pcpEvents(t.dataSource, id)).toEqual([
        'created',
        'claimed',
        'confirmation_recorded',
        'completed',
      ]);
      const audit = await t.dataSource.query(
        `SELECT action, actor_id FROM audit_events WHERE patient_id = $1 ORDER BY id`,
        [patient.id],
      );
      expect(audit.map((a: { action: string }) => a.action)).toEqual([
        'pcp_update.request',
        'pcp_update.claim',
        'pcp_update.confirmation',
        'pcp_update.complete',
      ]);
      expect(JSON.stringify(audit)).not.toContain('Jordan Rivera');

      // A closed request takes no more transitions.
      for (const action of ['claim', 'complete', 'release']) {
        const res = await post(staff, `/staff/pcp-updates/${id}/${action}`);
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('invalid_transition');
      }
      expect((await post(staff, `/staff/pcp-updates/${id}/reject`, { reason: 'late' })).body.code).toBe(
        'invalid_transition',
      );
      expect((await post(staff, `/staff/pcp-updates/${id}/confirmation`, confirmation())).body.code).toBe(
        'invalid_transition',
      );
    });

    it("completes a sponsored user's request with their sponsor's NPI", async () => {
      const sponsor = await createUser(t.app, 'provider', { isSponsor: true });
      const nurse = await createUser(t.app, 'sponsored', {
        sponsorId: sponsor.id,
        practiceId: sponsor.practiceId,
        npi: null,
      });
      const patient = await createPatient(t.dataSource);
      const { id } = await requestPcpAccess(t, nurse, patient.id);
      await post(staff, `/staff/pcp-updates/${id}/claim`);
      await post(
        staff,
        `/staff/pcp-updates/${id}/confirmation`,
        confirmation({ relationship: 'legal_guardian' }),
      );
      const done = await post(staff, `/staff/pcp-updates/${id}/complete`);
      expect(done.body).toMatchObject({ status: 'completed', pcpNpi: sponsor.npi });
      expect(await t.app.get(AccessDecisionService).decide(nurse.id, patient.id)).toEqual({
        allowed: true,
        basis: 'pcp_practice',
      });
      expect(await notificationsFor(t.dataSource, 'pcp-update-completed', nurse.email)).toHaveLength(1);
    });

    it('refuses to complete for a requester whose account was deactivated', async () => {
      const { provider, patient } = await providerAndPatient(t);
      const { id } = await requestPcpAccess(t, provider, patient.id);
      await post(staff, `/staff/pcp-updates/${id}/claim`);
      await post(staff, `/staff/pcp-updates/${id}/confirmation`, confirmation());
      await t.dataSource.query(`UPDATE users SET status = 'deactivated' WHERE id = $1`, [provider.id]);
      const res = await post(staff, `/staff/pcp-updates/${id}/complete`);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('requester_inactive');
      const [row] = await t.dataSource.query(`SELECT pcp_npi FROM patients WHERE id = $1`, [patient.id]);
      expect(row.pcp_npi).toBeNull();
      expect(
        (await post(staff, `/staff/pcp-updates/${id}/reject`, { reason: 'Requester left the practice' }))
          .status,
      ).toBe(200);
    });

    it('keeps the work with the assignee: others get 409 already_claimed / not_assignee until it is released', async () => {
      const { provider, patient } = await providerAndPatient(t);
      const { id } = await requestPcpAccess(t, provider, patient.id);
      expect((await post(staff, `/staff/pcp-updates/${id}/confirmation`, confirmation())).body.code).toBe(
        'not_claimed',
      );
      expect((await post(staff, `/staff/pcp-updates/${id}/complete`)).body.code).toBe('not_claimed');
      await post(staff, `/staff/pcp-updates/${id}/claim`);
      const again = await post(staff, `/staff/pcp-updates/${id}/claim`);
      expect(again.status).toBe(200); // re-claiming your own is a no-op
      const taken = await post(staff2, `/staff/pcp-updates/${id}/claim`);
      expect(taken.status).toBe(409);
      expect(taken.body).toMatchObject({ code: 'already_claimed', assigneeId: staff.id });
      for (const [action, body] of [
        ['confirmation', confirmation()],
        ['complete', {}],
        ['reject', { reason: 'x' }],
      ] as const) {
        const res = await post(staff2, `/staff/pcp-updates/${id}/${action}`, body);
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('not_assignee');
      }
      const released = await post(staff, `/staff/pcp-updates/${id}/release`);
      expect(released.status).toBe(200);
      expect(released.body).toMatchObject({ status: 'open', assigneeId: null });
      expect((await post(staff, `/staff/pcp-updates/${id}/release`)).body.code).toBe('invalid_transition');
      expect((await post(staff2, `/staff/pcp-updates/${id}/claim`)).body).toMatchObject({
        status: 'in_progress',
        assigneeId: staff2.id,
      });
      expect(await pcpEvents(t.dataSource, id)).toEqual(['created', 'claimed', 'released', 'claimed']);
    });

    it('lets exactly one of several simultaneous claims win; the others get 409', async () => {
      const { provider, patient } = await providerAndPatient(t);
      const { id } = await requestPcpAccess(t, provider, patient.id);
      const team = [staff, staff2, ...(await Promise.all([1, 2, 3].map(() => createUser(t.app, 'staff'))))];
      const auths = await Promise.all(team.map((s) => bearer(t, s)));
      const results = await Promise.all(
        auths.map((auth) =>
          t.http().post(`/api/v1/staff/pcp-updates/${id}/claim`).set('authorization', auth).send({}),
        ),
      );
      const winners = results.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.status === 409 && r.body.code === 'already_claimed')).toHaveLength(
        team.length - 1,
      );
      const [row] = await t.dataSource.query(
        `SELECT status, assignee_id FROM pcp_update_requests WHERE id = $1`,
        [id],
      );
      expect(row).toEqual({ status: 'in_progress', assignee_id: winners[0].body.assigneeId });
      expect(await pcpEvents(t.dataSource, id)).toEqual(['created', 'claimed']);
    });

    it('validates the confirmation: known relationship and method, an instant with offset, not in the future', async () => {
      const { provider, patient } = await providerAndPatient(t);
      const { id } = await requestPcpAccess(t, provider, patient.id);
      await post(staff, `/staff/pcp-updates/${id}/claim`);
      const bad = async (body: object, field: string) => {
        const res = await post(staff, `/staff/pcp-updates/${id}/confirmation`, body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('validation_failed');
        expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      };
      await bad(confirmation({ method: 'email' }), 'method');
      await bad(confirmation({ relationship: 'neighbour' }), 'relationship');
      await bad(confirmation({ confirmedByName: '   ' }), 'confirmedByName');
      await bad(confirmation({ confirmedAt: '2026-11-16' }), 'confirmedAt');
      await bad(confirmation({ confirmedAt: '2026-11-16T09:00:00' }), 'confirmedAt');
      await bad(confirmation({ confirmedAt: 'yesterday' }), 'confirmedAt');
      await bad(
        confirmation({ confirmedAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString() }),
        'confirmedAt',
      );
      await bad(confirmation({ confirmedAt: '2026-11-01T10:00:00-04:00' }), 'confirmedAt'); // before the request
      const { confirmedByName: _omit, ...missing } = confirmation();
      await bad(missing, 'confirmedByName');
      await bad({ ...confirmation(), extra: 1 }, 'extra');
      // A corrected confirmation replaces the earlier one and both stay in the history.
      expect(
        (await post(staff, `/staff/pcp-updates/${id}/confirmation`, confirmation({ method: 'phone' })))
          .status,
      ).toBe(200);
      t.clock.advance(3_600_000);
      const second = await post(
        staff,
        `/staff/pcp-updates/${id}/confirmation`,
        confirmation({ method: 'video', confirmedAt: '2026-11-16T10:30:00-05:00' }),
      );
      expect(second.body.confirmation).toMatchObject({
        method: 'video',
        confirmedAt: '2026-11-16T15:30:00.000Z',
      });
      expect(await pcpEvents(t.dataSource, id)).toEqual([
        'created',
        'claimed',
        'confirmation_recorded',
        'confirmation_recorded',
      ]);
    });

    it('rejects from open or in progress with a reason, emails the requester without the reason', async () => {
      const { provider, patient } = await providerAndPatient(t);
      const { id } = await requestPcpAccess(t, provider, patient.id);
      const missing = await post(staff, `/staff/pcp-updates/${id}/reject`, {});
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'reason' })]),
      );
      expect((await post(staff, `/staff/pcp-updates/${id}/reject`, { reason: '  ' })).status).toBe(400);
      const res = await post(staff, `/staff/pcp-updates/${id}/reject`, {
        reason: 'Guardian says the child sees another practice',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'rejected' });
      const [mail] = await notificationsFor(t.dataSource, 'pcp-update-rejected', provider.email);
      expect(mail.data).toEqual({ firstName: provider.firstName, requestId: id });
      const [row] = await t.dataSource.query(`SELECT pcp_npi FROM patients WHERE id = $1`, [patient.id]);
      expect(row.pcp_npi).toBeNull();
      const detail = await get(staff, `/staff/pcp-updates/${id}`);
      expect(detail.body).toMatchObject({
        status: 'rejected',
        rejectionReason: 'Guardian says the child sees another practice',
        closedBy: staff.id,
      });
      expect(detail.body.history.map((h: { type: string }) => h.type)).toEqual(['created', 'rejected']);
      const audit = await t.dataSource.query(
        `SELECT action FROM audit_events WHERE patient_id = $1 ORDER BY id`,
        [patient.id],
      );
      // The staff read of the detail (it shows the patient) is audited too (SPEC §7).
      expect(audit.map((a: { action: string }) => a.action)).toEqual([
        'pcp_update.request',
        'pcp_update.reject',
        'staff.patient_read',
      ]);
    });

    it('answers 404 for unknown or malformed request ids and 403 for non-staff', async () => {
      for (const action of ['claim', 'complete', 'release']) {
        expect(
          (await post(staff, `/staff/pcp-updates/00000000-0000-4000-8000-000000000000/${action}`)).status,
        ).toBe(404);
        expect((await post(staff, `/staff/pcp-updates/nope/${action}`)).status).toBe(404);
      }
      expect(
        (await post(staff, `/staff/pcp-updates/00000000-0000-4000-8000-000000000000/reject`, { reason: 'x' }))
          .status,
      ).toBe(404);
      expect(
        (
          await post(
            staff,
            `/staff/pcp-updates/00000000-0000-4000-8000-000000000000/confirmation`,
            confirmation(),
          )
        ).status,
      ).toBe(404);
      expect((await get(staff, `/staff/pcp-updates/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
      const { provider, patient } = await providerAndPatient(t);
      const { id } = await requestPcpAccess(t, provider, patient.id);
      expect((await post(provider, `/staff/pcp-updates/${id}/claim`)).status).toBe(403);
      expect((await get(provider, `/staff/pcp-updates`)).status).toBe(403);
      expect((await get(provider, `/staff/pcp-updates/${id}`)).status).toBe(403);
    });
  });

  describe('the queue and the overdue digest', () => {
    // Requests made Mon 16 (due Thu 19), Tue 17 (due Fri 20), Wed 18 (due Mon 23), Thu 19 (due Tue 24).
    let ids: string[];
    let requesters: UserRow[];
    beforeAll(async () => {
      await t.dataSource.query(`DELETE FROM pcp_update_requests`);
      ids = [];
      requesters = [];
      for (const day of ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19']) {
        t.clock.set(`${day}T15:00:00Z`);
        const { provider, patient } = await providerAndPatient(t);
        requesters.push(provider);
        ids.push((await requestPcpAccess(t, provider, patient.id)).id);
      }
      t.clock.set('2026-11-19T15:00:00Z');
      await post(staff, `/staff/pcp-updates/${ids[1]}/claim`);
      await post(staff2, `/staff/pcp-updates/${ids[2]}/claim`);
      await post(staff2, `/staff/pcp-updates/${ids[3]}/reject`, {
        reason: 'Duplicate of an earlier request',
      });
    });

    it('lists late requests first, then by due date, with due date, lateness, age and assignee', async () => {
      t.clock.set('2026-11-23T15:00:00Z'); // Monday: requests 0 (due Thu) and 1 (due Fri) are late
      const res = await get(staff, '/staff/pcp-updates');
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([ids[0], ids[1], ids[2], ids[3]]);
      const [first, second, third, fourth] = res.body.items;
      expect(first).toMatchObject({
        status: 'open',
        overdue: true,
        dueAt: '2026-11-20T04:59:59.999Z',
        dueDate: '2026-11-19',
        ageDays: 7,
        ageBusinessDays: 5,
        assigneeId: null,
        assignee: null,
        requester: expect.objectContaining({ id: requesters[0].id, npi: requesters[0].npi }),
        pcpNpiToApply: requesters[0].npi,
      });
      expect(second).toMatchObject({
        overdue: true,
        status: 'in_progress',
        assigneeId: staff.id,
        assignee: { id: staff.id, firstName: staff.firstName, lastName: staff.lastName },
      });
      expect(third).toMatchObject({
        overdue: false,
        status: 'in_progress',
        assigneeId: staff2.id,
        dueDate: '2026-11-23',
      });
      expect(fourth).toMatchObject({ overdue: false, status: 'rejected', ageDays: 0 });
    });

    it('puts a late request ahead of an earlier-due closed one', async () => {
      t.clock.set('2026-11-25T15:00:00Z'); // Wednesday: request 2 (due Mon 23) is late too; 3 is closed
      const res = await get(staff, '/staff/pcp-updates?status=in_progress,rejected');
      expect(res.body.items.map((i: { id: string; overdue: boolean }) => [i.id, i.overdue])).toEqual([
        [ids[1], true],
        [ids[2], true],
        [ids[3], false],
      ]);
    });

    it('filters by status, overdue and assignee', async () => {
      t.clock.set('2026-11-23T15:00:00Z');
      const list = async (q: string) =>
        ((await get(staff, `/staff/pcp-updates?${q}`)).body.items as Array<{ id: string }>).map((i) => i.id);
      expect(await list('status=open')).toEqual([ids[0]]);
      expect(await list('status=active')).toEqual([ids[0], ids[1], ids[2]]);
      expect(await list('status=rejected')).toEqual([ids[3]]);
      expect(await list('overdue=true')).toEqual([ids[0], ids[1]]);
      expect(await list('overdue=false')).toEqual([ids[2], ids[3]]);
      expect(await list('overdue=false&status=active')).toEqual([ids[2]]);
      expect(await list('assignee=me')).toEqual([ids[1]]);
      expect(await list(`assignee=${staff2.id}`)).toEqual([ids[2]]);
      expect(await list('assignee=none')).toEqual([ids[0], ids[3]]);
      for (const q of [
        'status=lost',
        'overdue=yes',
        'assignee=bob',
        'limit=0',
        'limit=201',
        'limit=abc',
        'cursor=%%%',
        'cursor=eyJ4IjoxfQ',
        'other=1',
      ]) {
        const res = await get(staff, `/staff/pcp-updates?${q}`);
        expect([q, res.status]).toEqual([q, 400]);
      }
    });

    it("pages with a cursor without gaps or repeats, keeping the first page's notion of late", async () => {
      t.clock.set('2026-11-23T15:00:00Z');
      const first = await get(staff, '/staff/pcp-updates?limit=3');
      expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([ids[0], ids[1], ids[2]]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      t.clock.set('2026-11-30T15:00:00Z'); // later, request 2 would be late; the walk keeps its order
      const second = await get(staff, `/staff/pcp-updates?limit=3&cursor=${first.body.nextCursor}`);
      expect(second.body.items.map((i: { id: string }) => i.id)).toEqual([ids[3]]);
      expect(second.body.nextCursor).toBeNull();
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(staff, `/staff/pcp-updates?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...res.body.items.map((i: { id: string }) => i.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([ids[0], ids[1], ids[2], ids[3]]);
    });

    it('pages requests due within the same millisecond by their full-precision due time, without repeats', async () => {
      const saved: Array<{ id: string; due_at: Date }> = await t.dataSource.query(
        `SELECT id, due_at FROM pcp_update_requests`,
      );
      try {
        // Due 999001..999004 µs into the same millisecond, in the reverse of the creation order.
        for (const [k, id] of ids.entries()) {
          await t.dataSource.query(`UPDATE pcp_update_requests SET due_at = $2::timestamptz WHERE id = $1`, [
            id,
            `2026-11-24T04:59:59.99900${4 - k}Z`,
          ]);
        }
        t.clock.set('2026-11-23T15:00:00Z'); // none late yet: the order is by due time alone
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let pages = 0; pages < 10; pages++) {
          const res = await get(staff, `/staff/pcp-updates?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.status).toBe(200);
          seen.push(...res.body.items.map((i: { id: string }) => i.id));
          cursor = res.body.nextCursor;
          if (!cursor) break;
        }
        expect(seen).toEqual([ids[3], ids[2], ids[1], ids[0]]);
      } finally {
        for (const row of saved)
          await t.dataSource.query(`UPDATE pcp_update_requests SET due_at = $2 WHERE id = $1`, [
            row.id,
            row.due_at,
          ]);
      }
    });

    it('shows one request with its history', async () => {
      const res = await get(staff, `/staff/pcp-updates/${ids[1]}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ids[1], status: 'in_progress', assigneeId: staff.id });
      expect(res.body.history).toEqual([
        expect.objectContaining({
          type: 'created',
          fromStatus: null,
          toStatus: 'open',
          actorId: requesters[1].id,
        }),
        expect.objectContaining({
          type: 'claimed',
          fromStatus: 'open',
          toStatus: 'in_progress',
          actorId: staff.id,
          actorName: `${staff.firstName} ${staff.lastName}`,
        }),
      ]);
    });

    it('job pcp-update-overdue emails the team one digest per date: affected = late requests, then 0', async () => {
      t.clock.set('2026-11-23T15:00:00Z');
      const run = async (asOf: string) => post(staff, '/staff/jobs/pcp-update-overdue/run', { asOf });
      // Nothing is late on Thursday 19 (request 0 is due that day).
      expect((await run('2026-11-19')).body).toEqual({
        job: 'pcp-update-overdue',
        asOf: '2026-11-19',
        affected: 0,
      });
      const first = await run('2026-11-23');
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ job: 'pcp-update-overdue', asOf: '2026-11-23', affected: 2 });
      expect((await run('2026-11-23')).body.affected).toBe(0);
      const digests = await notificationsFor(t.dataSource, 'pcp-update-overdue-team', t.config.teamEmail);
      expect(digests).toHaveLength(1);
      expect(digests[0].idempotencyKey).toBe('pcp-update-overdue:2026-11-23');
      expect(digests[0].data).toMatchObject({ asOf: '2026-11-23', count: 2, unassigned: 1 });
      expect((digests[0].data.items as Array<{ requestId: string }>).map((i) => i.requestId)).toEqual([
        ids[0],
        ids[1],
      ]);
      // A later date is its own digest.
      expect((await run('2026-11-24')).body.affected).toBe(3);
    });

    it('only enqueues from cron when cron is enabled', async () => {
      // CRON_ENABLED=false here: the job is runnable by name, but JobsModule scheduled no cron for it.
      expect(t.app.get(JobsService).has('pcp-update-overdue')).toBe(true);
      expect(t.app.get(SchedulerRegistry).getCronJobs().size).toBe(0);
    });
  });
});
