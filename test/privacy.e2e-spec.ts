import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createPatient, createPractice, createUser, makeNpi, tokenFor } from './factories/index.js';
import { notifications } from './factories/identity.js';
import { feedPatient } from './factories/patient-access.js';
import { recordAuditEntries } from './factories/privacy.js';
import { createTestApp, type TestContext } from './support/test-app.js';

/** API.md v1.1 "Privacy": the trail's search and CSV export, disclosures, alerts and the rules that raise them. */
describe('privacy officer', () => {
  let t: TestContext;
  let officer: { id: string };
  let privacy: Record<string, string>;
  let team: Record<string, string>;
  const TEAM_EMAIL = 'team@mypatients.test';
  const bearer = async (user: { id: string; kind: string }) => ({
    authorization: `Bearer ${await tokenFor(t.app, user)}`,
  });
  const get = (path: string, headers: Record<string, string>) => t.http().get(`/api/v1${path}`).set(headers);

  beforeAll(async () => {
    t = await createTestApp();
    const o = await createUser(t.app, 'staff', { roles: ['privacy'] });
    officer = o;
    privacy = await bearer(o);
    team = await bearer(await createUser(t.app, 'staff', { roles: ['team'] }));
  });
  afterAll(() => t.close());

  /** A provider of a practice, PCP of a new patient (fed by the EHR, so an `ehr.patient_create` entry exists). */
  async function providerWithPatient() {
    const practice = await createPractice(t.dataSource);
    const npi = makeNpi();
    const provider = await createUser(t.app, 'provider', {
      practiceId: practice.id,
      npi,
      firstName: 'Dana',
      lastName: 'Reyes',
    });
    const mrn = `PRV-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    const patientId = await feedPatient(t, mrn, { pcpNpi: npi });
    return { practice, npi, provider, mrn, patientId, h: await bearer(provider) };
  }

  describe('GET /staff/audit-events', () => {
    it('filters by patient, user, exact action or prefix, outcome and hospital dates; shows the person; pages with a cursor', async () => {
      const { practice, npi, provider, patientId, mrn, h } = await providerWithPatient();
      const outsider = await createUser(t.app, 'provider');
      await get(`/patients?mrn=${mrn}`, h).expect(200);
      await get(`/patients/${patientId}`, h).expect(200);
      await get(`/patients/${patientId}/documents`, h).expect(200);
      await get(`/patients/${patientId}`, await bearer(outsider)).expect(403);

      const all = await get(`/staff/audit-events?patientId=${patientId}`, privacy).expect(200);
      expect(all.body.items.map((i: { action: string }) => i.action)).toEqual([
        'patient.view',
        'patient.documents',
        'patient.view',
        'patient.search',
        'ehr.patient_create',
      ]);
      const view = all.body.items.find((i: { user: { id: string } | null }) => i.user?.id === provider.id);
      expect(view).toEqual({
        id: expect.stringMatching(/^\d+$/),
        at: '2026-11-16T15:00:00.000Z',
        user: {
          id: provider.id,
          name: 'Dana Reyes',
          kind: 'provider',
          npi,
          practice: { id: practice.id, name: practice.name },
        },
        actorKind: 'provider',
        action: 'patient.documents',
        patientId,
        basis: 'pcp_practice',
        outcome: 'success',
        details: {},
      });
      // The EHR feed's entry has no person.
      expect(all.body.items[4]).toMatchObject({ user: null, actorKind: 'ehr', action: 'ehr.patient_create' });

      const byUser = await get(`/staff/audit-events?userId=${provider.id}&action=patient.`, privacy).expect(
        200,
      );
      expect(byUser.body.items.map((i: { action: string }) => i.action)).toEqual([
        'patient.documents',
        'patient.view',
        'patient.search',
      ]);
      const exact = await get(
        `/staff/audit-events?patientId=${patientId}&action=patient.view`,
        privacy,
      ).expect(200);
      expect(exact.body.items).toHaveLength(2);
      const denied = await get(`/staff/audit-events?patientId=${patientId}&outcome=denied`, privacy).expect(
        200,
      );
      expect(denied.body.items.map((i: { user: { id: string } }) => i.user.id)).toEqual([outsider.id]);
      // `to` is inclusive (today), `from` tomorrow finds nothing.
      expect(
        (
          await get(
            `/staff/audit-events?patientId=${patientId}&from=2026-11-16&to=2026-11-16`,
            privacy,
          ).expect(200)
        ).body.items,
      ).toHaveLength(5);
      expect(
        (await get(`/staff/audit-events?patientId=${patientId}&from=2026-11-17`, privacy).expect(200)).body
          .items,
      ).toHaveLength(0);
      expect(
        (await get(`/staff/audit-events?patientId=${patientId}&to=2026-11-15`, privacy).expect(200)).body
          .items,
      ).toHaveLength(0);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await get(
          `/staff/audit-events?patientId=${patientId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          privacy,
        ).expect(200);
        seen.push(...page.body.items.map((i) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.body.items.map((i: { id: string }) => i.id));

      // The officer's own searches are in the trail.
      const own = await t.dataSource.query(
        `SELECT details FROM audit_events WHERE actor_id = $1 AND action = 'audit.search'`,
        [officer.id],
      );
      expect(own.length).toBeGreaterThan(0);
    });

    it('refuses malformed filters with validation_failed, and other roles with forbidden', async () => {
      for (const q of [
        'from=2026-02-30',
        'to=16-11-2026',
        'from=2026-11-17&to=2026-11-16',
        'action=not%20an%20action',
        'outcome=maybe',
        'userId=nope',
        'cursor=abc',
      ]) {
        const res = await get(`/staff/audit-events?${q}`, privacy);
        expect([q, res.status, res.body.code]).toEqual([q, 400, 'validation_failed']);
      }
      const res = await get('/staff/audit-events', team);
      expect([res.status, res.body.code]).toEqual([403, 'forbidden']);
      const provider = await createUser(t.app, 'provider');
      expect((await get('/staff/audit-events', await bearer(provider))).status).toBe(403);
    });
  });

  describe('CSV export', () => {
    it('answers text/csv with a header, details as JSON and formula cells defused; is audited audit.export', async () => {
      const evil = await createUser(t.app, 'provider', {
        firstName: '=HYPERLINK("http://x")',
        lastName: '-1+1',
      });
      const patient = await createPatient(t.dataSource);
      await get(`/patients?mrn=${patient.mrn}`, await bearer(evil)).expect(200);
      const res = await get(`/staff/audit-events?userId=${evil.id}&from=2026-11-16&to=2026-11-16`, {
        ...privacy,
        accept: 'text/csv',
      })
        .buffer(true)
        .parse((r, cb) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => (text += c));
          r.on('end', () => cb(null, text));
        })
        .expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['cache-control']).toContain('no-store');
      const lines = (res.body as string).split('\r\n');
      expect(lines[0]).toBe(
        'id,at,userId,userName,userKind,userNpi,userPracticeId,userPractice,actorKind,action,patientId,basis,outcome,details',
      );
      expect(lines).toHaveLength(3); // header, the search's denied match, and the final CRLF
      expect(lines[1]).toContain(`,"'=HYPERLINK(""http://x"") -1+1",provider,`);
      expect(lines[1]).toContain(
        `,provider,patient.search,${patient.id},,denied,"{""by"":""mrn"",""results"":1}"`,
      );
      const [exported] = await t.dataSource.query(
        `SELECT details FROM audit_events WHERE actor_id = $1 AND action = 'audit.export' ORDER BY id DESC LIMIT 1`,
        [officer.id],
      );
      expect(exported.details).toEqual({
        filters: { userId: evil.id, from: '2026-11-16', to: '2026-11-16' },
        format: 'csv',
      });
    });

    it('needs from and to, at most 366 days apart (400 validation_failed)', async () => {
      const csv = { ...privacy, accept: 'text/csv' };
      const missing = await get('/staff/audit-events?from=2026-11-01', csv);
      expect([
        missing.status,
        missing.body.code,
        missing.body.errors.map((e: { field: string }) => e.field),
      ]).toEqual([400, 'validation_failed', ['to']]);
      const tooLong = await get('/staff/audit-events?from=2025-11-14&to=2026-11-16', csv); // 367 days
      expect([tooLong.status, tooLong.body.code]).toEqual([400, 'validation_failed']);
      const longest = await get(
        '/staff/audit-events?from=2025-11-15&to=2026-11-16&action=nothing.such',
        csv,
      ).expect(200); // 366
      expect(longest.text.split('\r\n')).toHaveLength(2);
    });

    it('the CSV export of 100k rows streams in bounded memory', async () => {
      const actor = await createUser(t.app, 'provider');
      const patient = await createPatient(t.dataSource);
      // 100k entries on a day of their own, ~300 bytes of details each: ~45 MB of CSV.
      t.clock.set(new Date('2026-06-01T16:00:00Z'));
      const pad = 'x'.repeat(250);
      await recordAuditEntries(t.app, 100_000, (i) => ({
        actorId: actor.id,
        actorKind: 'provider',
        action: 'patient.view',
        patientId: patient.id,
        basis: 'care_team',
        outcome: 'success',
        details: { n: i, pad },
      }));
      t.clock.set(new Date('2026-11-16T15:00:00Z'));

      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      gc();
      const base = process.memoryUsage().heapUsed;
      const stats = { bytes: 0, chunks: 0, lines: 0, peakGrowth: 0, first: '' };
      const res = await get('/staff/audit-events?from=2026-06-01&to=2026-06-01', {
        ...privacy,
        accept: 'text/csv',
      })
        .buffer(true)
        .parse((r, cb) => {
          r.on('data', (chunk: Buffer) => {
            stats.bytes += chunk.length;
            stats.chunks += 1;
            for (let k = chunk.indexOf(10); k !== -1; k = chunk.indexOf(10, k + 1)) stats.lines += 1;
            if (stats.first.length < 2000)
              stats.first += chunk.toString('utf8', 0, Math.min(chunk.length, 2000));
            if (stats.chunks % 50 === 0) {
              gc();
              stats.peakGrowth = Math.max(stats.peakGrowth, process.memoryUsage().heapUsed - base);
            }
          });
          r.on('end', () => cb(null, stats));
        })
        .expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(stats.lines).toBe(100_001); // header + every row
      expect(stats.first).toMatch(/^id,at,userId,/);
      expect(stats.bytes).toBeGreaterThan(35_000_000);
      // Streamed: many chunks, and the heap never held anything near the whole export (rows as
      // objects would be well over 100 MB; the text alone 35+ MB).
      expect(stats.chunks).toBeGreaterThan(100);
      expect(stats.peakGrowth).toBeLessThan(20 * 1024 * 1024);
    }, 240_000);
  });

  describe('GET /staff/patients/:patientId/disclosures', () => {
    it('lists every successful view, document list, granted search match and /me/patients listing by non-staff users, not staff reads or denials', async () => {
      const { provider, patientId, mrn, h } = await providerWithPatient();
      const outsider = await createUser(t.app, 'provider');
      await get(`/patients/${patientId}`, await bearer(outsider)).expect(403);
      await get(`/patients?mrn=${mrn}`, h).expect(200);
      await get(`/patients/${patientId}`, h).expect(200);
      await get(`/patients/${patientId}/documents`, h).expect(200);
      await get('/me/patients', h).expect(200);
      await get(`/staff/patients/${patientId}/access-log`, team).expect(200);

      const res = await get(`/staff/patients/${patientId}/disclosures`, privacy).expect(200);
      expect(res.body.items.map((i: { action: string }) => i.action)).toEqual([
        'patient.list',
        'patient.documents',
        'patient.view',
        'patient.search',
      ]);
      expect(res.body.items[0]).toEqual({
        at: '2026-11-16T15:00:00.000Z',
        user: expect.objectContaining({ id: provider.id, name: 'Dana Reyes', kind: 'provider' }),
        action: 'patient.list',
        basis: 'pcp_practice',
      });
      expect(res.body.nextCursor).toBeNull();
      expect(
        (await get(`/staff/patients/${patientId}/disclosures?to=2026-11-15`, privacy).expect(200)).body.items,
      ).toEqual([]);
      const paged = await get(`/staff/patients/${patientId}/disclosures?limit=3`, privacy).expect(200);
      const rest = await get(
        `/staff/patients/${patientId}/disclosures?limit=3&cursor=${paged.body.nextCursor}`,
        privacy,
      ).expect(200);
      expect([...paged.body.items, ...rest.body.items]).toEqual(res.body.items);
      // Reading them is a staff read of the patient.
      const reads = await t.dataSource.query(
        `SELECT details FROM audit_events WHERE actor_id = $1 AND action = 'staff.patient_read' AND patient_id = $2`,
        [officer.id, patientId],
      );
      expect(reads[0].details).toEqual({ route: 'GET /staff/patients/:patientId/disclosures' });
    });

    it('defaults from to six years ago; 404 for an unknown patient; privacy role only', async () => {
      const { patientId, h } = await providerWithPatient();
      t.clock.set(new Date('2020-11-17T15:00:00Z'));
      await get(`/patients/${patientId}`, h).expect(200);
      t.clock.set(new Date('2020-11-15T15:00:00Z'));
      await get(`/patients/${patientId}`, h).expect(200);
      t.clock.set(new Date('2026-11-16T15:00:00Z'));
      const res = await get(`/staff/patients/${patientId}/disclosures`, privacy).expect(200);
      expect(res.body.items.map((i: { at: string }) => i.at)).toEqual(['2020-11-17T15:00:00.000Z']);
      expect(
        (await get(`/staff/patients/${patientId}/disclosures?from=2020-01-01`, privacy).expect(200)).body
          .items,
      ).toHaveLength(2);
      expect(
        (await get('/staff/patients/00000000-0000-4000-8000-000000000000/disclosures', privacy)).status,
      ).toBe(404);
      expect((await get('/staff/patients/nope/disclosures', privacy)).status).toBe(404);
      expect((await get(`/staff/patients/${patientId}/disclosures`, team)).status).toBe(403);
    });
  });

  describe('access log (team or privacy)', () => {
    it('admits the privacy role and shows the person of every entry', async () => {
      const { provider, npi, practice, patientId, h } = await providerWithPatient();
      await get(`/patients/${patientId}`, h).expect(200);
      const res = await get(`/staff/patients/${patientId}/access-log`, privacy).expect(200);
      expect(res.body.items[0]).toEqual({
        at: expect.any(String),
        userId: provider.id,
        userName: 'Dana Reyes',
        userKind: 'provider',
        user: {
          id: provider.id,
          name: 'Dana Reyes',
          kind: 'provider',
          npi,
          practice: { id: practice.id, name: practice.name },
        },
        action: 'patient.view',
        basis: 'pcp_practice',
        outcome: 'success',
      });
      await get(`/staff/patients/${patientId}/access-log`, team).expect(200);
      const admin = await bearer(await createUser(t.app, 'staff', { roles: ['admin'] }));
      expect((await get(`/staff/patients/${patientId}/access-log`, admin)).status).toBe(403);
    });
  });

  describe('alerts', () => {
    const openAlerts = async (userId: string, kind: string) =>
      (await get('/staff/alerts?status=open&limit=200', privacy).expect(200)).body.items.filter(
        (a: { userId: string; kind: string }) => a.userId === userId && a.kind === kind,
      );

    it('a sweep of 200 MRNs raises one alert and then 429', async () => {
      const sweeper = await createUser(t.app, 'provider');
      const h = await bearer(sweeper);
      const patients = [];
      for (let i = 0; i < 200; i++)
        patients.push(await createPatient(t.dataSource, { lastName: `Sweepme${i}` }));
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (const p of patients) {
        const res = await get(`/patients?mrn=${p.mrn}`, h);
        statuses.push(res.status);
        if (res.status === 200)
          expect(res.body.items[0]).toMatchObject({ patientId: p.id, access: 'not_authorized' });
        else retryAfter ??= res.headers['retry-after'];
        if (statuses.length === 19) expect(await openAlerts(sweeper.id, 'unusual_search')).toHaveLength(0);
        if (statuses.length === 20) expect(await openAlerts(sweeper.id, 'unusual_search')).toHaveLength(1);
      }
      // At least 60 searches a minute are allowed, the rest of the sweep is throttled.
      expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
      expect(statuses.slice(60).every((s) => s === 429)).toBe(true);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      const throttled = await get(`/patients?mrn=${patients[0].mrn}`, h);
      expect([throttled.status, throttled.body.code]).toEqual([429, 'rate_limited']);

      const alerts = await openAlerts(sweeper.id, 'unusual_search');
      expect(alerts).toEqual([
        {
          id: expect.any(String),
          at: '2026-11-16T15:00:00.000Z',
          kind: 'unusual_search',
          userId: sweeper.id,
          summary: expect.any(String),
          status: 'open',
        },
      ]);
      // The team is emailed once, without patient data.
      const sent = (await notifications(t.dataSource, { template: 'privacy-alert', to: TEAM_EMAIL })).filter(
        (n) => n.data.userId === sweeper.id,
      );
      expect(sent).toHaveLength(1);
      const mail = await t.smtp.waitFor((m) => m.to.includes(TEAM_EMAIL) && m.text.includes(alerts[0].id));
      for (const p of patients) {
        expect(mail.text).not.toContain(p.mrn);
        expect(mail.text).not.toContain(p.lastName);
        expect(mail.html).not.toContain(p.id);
      }
      expect(alerts[0].summary).not.toMatch(/Sweepme|MRN/);
    }, 120_000);

    it('resolve: 200 with the note, then 409 invalid_state; 404 unknown; the list filters by status', async () => {
      const sweeper = await createUser(t.app, 'provider');
      const h = await bearer(sweeper);
      for (let i = 0; i < 20; i++)
        await get(`/patients?mrn=${(await createPatient(t.dataSource)).mrn}`, h).expect(200);
      const [alert] = await openAlerts(sweeper.id, 'unusual_search');
      // A 21st match finds the alert open, and the instance remembers it is (AlertsService.isOpen).
      await get(`/patients?mrn=${(await createPatient(t.dataSource)).mrn}`, h).expect(200);
      expect(await openAlerts(sweeper.id, 'unusual_search')).toHaveLength(1);
      const resolved = await t
        .http()
        .post(`/api/v1/staff/alerts/${alert.id}/resolve`)
        .set(privacy)
        .send({ note: 'Front desk batch lookup, confirmed.' })
        .expect(200);
      expect(resolved.body).toMatchObject({
        id: alert.id,
        status: 'resolved',
        resolvedBy: officer.id,
        note: 'Front desk batch lookup, confirmed.',
      });
      const again = await t.http().post(`/api/v1/staff/alerts/${alert.id}/resolve`).set(privacy).send({});
      expect([again.status, again.body.code]).toEqual([409, 'invalid_state']);
      expect(
        (
          await t
            .http()
            .post('/api/v1/staff/alerts/00000000-0000-4000-8000-000000000000/resolve')
            .set(privacy)
            .send({})
        ).status,
      ).toBe(404);
      expect(
        (await t.http().post(`/api/v1/staff/alerts/${alert.id}/resolve`).set(privacy).send({ extra: 1 }))
          .status,
      ).toBe(400);
      const resolvedList = (await get('/staff/alerts?status=resolved&limit=200', privacy).expect(200)).body
        .items;
      expect(resolvedList.map((a: { id: string }) => a.id)).toContain(alert.id);
      expect(await openAlerts(sweeper.id, 'unusual_search')).toEqual([]);
      // The resolve is seen at once (the open alert this instance remembered is forgotten): the
      // account still has 20 denied matches in the hour, so its next one raises a new alert.
      await get(`/patients?mrn=${(await createPatient(t.dataSource)).mrn}`, h).expect(200);
      const [raisedAgain] = await openAlerts(sweeper.id, 'unusual_search');
      expect(raisedAgain?.id).toEqual(expect.any(String));
      expect(raisedAgain.id).not.toBe(alert.id);
      expect((await get('/staff/alerts?status=closed', privacy)).status).toBe(400);
      expect((await get('/staff/alerts', team)).status).toBe(403);
      const [audited] = await t.dataSource.query(
        `SELECT details FROM audit_events WHERE actor_id = $1 AND action = 'privacy.alert_resolve'`,
        [officer.id],
      );
      expect(audited.details).toMatchObject({ alertId: alert.id, kind: 'unusual_search' });
    }, 60_000);

    it('self_granted: an approval and an invitation by the same staff member to the same email within a day raise one alert', async () => {
      const staff = await createUser(t.app, 'staff', { roles: ['team'] });
      const other = await createUser(t.app, 'staff', { roles: ['team'] });
      const hs = await bearer(staff);
      const ho = await bearer(other);
      const patient = await createPatient(t.dataSource);
      const post = (h: Record<string, string>, path: string, body: object = {}) =>
        t.http().post(`/api/v1${path}`).set(h).send(body);

      // Approval first, then the same staff member invites that address.
      const email = `self.${Date.now()}@clinic.example`;
      const registrant = await createUser(t.app, 'provider', {
        email,
        status: 'pending_approval',
        npi: makeNpi(),
      });
      await post(hs, `/staff/registrations/${registrant.id}/approve`).expect(200);
      await post(ho, '/staff/invitations', { mrn: patient.mrn, recipientEmail: email }).expect(201); // another staff member: no alert
      expect(await openAlerts(other.id, 'self_granted')).toEqual([]);
      expect(await openAlerts(staff.id, 'self_granted')).toEqual([]);
      await post(hs, '/staff/invitations', { mrn: patient.mrn, recipientEmail: email.toUpperCase() }).expect(
        201,
      );
      await post(hs, '/staff/invitations', { mrn: patient.mrn, recipientEmail: email }).expect(201);
      const [alert, ...more] = await openAlerts(staff.id, 'self_granted');
      expect(more).toEqual([]);
      expect(alert.summary).toContain(email);
      expect(
        (await notifications(t.dataSource, { template: 'privacy-alert', to: TEAM_EMAIL })).filter(
          (n) => n.data.alertId === alert.id,
        ),
      ).toHaveLength(1);

      // More than a day apart raises nothing; invitation first, then the approval, within a day does.
      const second = await createUser(t.app, 'staff', { roles: ['team'] });
      const email2 = `later.${Date.now()}@clinic.example`;
      t.clock.set(new Date('2026-11-15T14:59:59Z'));
      await post(await bearer(second), '/staff/invitations', {
        mrn: patient.mrn,
        recipientEmail: email2,
      }).expect(201);
      t.clock.set(new Date('2026-11-16T15:00:00Z'));
      const h2 = await bearer(second);
      const late = await createUser(t.app, 'provider', {
        email: email2,
        status: 'pending_approval',
        npi: makeNpi(),
      });
      await post(h2, `/staff/registrations/${late.id}/approve`).expect(200);
      expect(await openAlerts(second.id, 'self_granted')).toEqual([]);
      const email3 = `soon.${Date.now()}@clinic.example`;
      await post(h2, '/staff/invitations', { mrn: patient.mrn, recipientEmail: email3 }).expect(201);
      const soon = await createUser(t.app, 'provider', {
        email: email3,
        status: 'pending_approval',
        npi: makeNpi(),
      });
      await post(h2, `/staff/registrations/${soon.id}/approve`).expect(200);
      expect(await openAlerts(second.id, 'self_granted')).toHaveLength(1);
    });
  });
});
