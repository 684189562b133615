import { createHash } from 'node:crypto';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createPatient, createUser, tokenFor } from './factories/index.js';
import {
  auditActions,
  createInvitation,
  invitationToken,
  notificationsTo,
} from './factories/access-requests.js';
import { AccessDecisionService } from '../src/modules/patient-access/access-decision.service.js';

const PORTAL = { 'x-api-key': 'test-portal-key-0123456789' };
const EHR = { 'x-api-key': 'test-ehr-key-0123456789' };
let ipSeq = 10;
/** Each test its own client address, so per-address limits of one test do not touch another. */
const freshIp = () => `198.51.100.${ipSeq++}`;

describe('invitation tokens', () => {
  let t: TestContext;
  const bearer = async (user: { id: string; kind: string }) => ({
    authorization: `Bearer ${await tokenFor(t.app, user)}`,
  });
  const decide = (userId: string, patientId: string) =>
    t.app.get(AccessDecisionService).decide(userId, patientId);

  beforeAll(async () => {
    t = await createTestApp(); // clock: 2026-11-16T15:00:00Z (10:00 EST)
  });
  afterAll(() => t.close());

  async function staffInvite(
    mrn: string,
    recipientEmail = `dr-${Math.random().toString(36).slice(2)}@clinic.test`,
  ) {
    const staff = await createUser(t.app, 'staff');
    const res = await t
      .http()
      .post('/api/v1/staff/invitations')
      .set(await bearer(staff))
      .send({ mrn, recipientEmail })
      .expect(201);
    return {
      id: res.body.id as string,
      body: res.body,
      token: await invitationToken(t, res.body.id),
      recipientEmail,
      staff,
    };
  }

  const validate = async (user: { id: string; kind: string }, body: Record<string, unknown>, ip: string) =>
    t
      .http()
      .post('/api/v1/tokens/validate')
      .set(await bearer(user))
      .set('x-forwarded-for', ip)
      .send(body);

  describe('issuing', () => {
    it('staff invite: 201 {id, expiresAt}; the token is only in the email, stored as its SHA-256; audited', async () => {
      const patient = await createPatient(t.dataSource, { firstName: 'Marisol', lastName: 'Okafor' });
      const { id, body, token, recipientEmail, staff } = await staffInvite(patient.mrn, 'Dr.Lee@Clinic.TEST');
      // Issued 2026-11-16 (hospital date) -> works through 2027-05-16, until 2027-05-17 00:00 EDT.
      expect(body).toEqual({ id, expiresAt: '2027-05-17T04:00:00.000Z', validThrough: '2027-05-16' });
      expect(JSON.stringify(body)).not.toContain(token);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const [row] = await t.dataSource.query(`SELECT * FROM invitations WHERE id = $1`, [id]);
      expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(token);
      expect(row).toMatchObject({
        patient_id: patient.id,
        recipient_email: 'dr.lee@clinic.test',
        issued_by_kind: 'staff',
        issued_by: staff.id,
        used_at: null,
      });

      const mails = await notificationsTo(t.dataSource, recipientEmail);
      expect(mails).toEqual([
        expect.objectContaining({ template: 'invitation-token', idempotencyKey: `invitation-token:${id}` }),
      ]);
      // The token is in the row until the email is sent, then forgotten.
      expect(
        Object.keys(mails[0].data)
          .filter((k) => k !== 'token')
          .sort(),
      ).toEqual(['invitedBy', 'validThrough']);
      const mailJson = JSON.stringify(mails[0].data);
      for (const secret of [patient.mrn, 'Marisol', 'Okafor', patient.dob, patient.id])
        expect(mailJson).not.toContain(secret);

      const audit = await auditActions(t.dataSource, patient.id);
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'invitation.issue',
          actorKind: 'staff',
          details: expect.objectContaining({ invitationId: id }),
        }),
      ]);
      expect(JSON.stringify(audit)).not.toContain(token);
    });

    it('staff invite: 404 for an unknown MRN, 400 for bad bodies, 403 for non-staff, 401 anonymous', async () => {
      const staff = await createUser(t.app, 'staff');
      const h = await bearer(staff);
      const nf = await t
        .http()
        .post('/api/v1/staff/invitations')
        .set(h)
        .send({ mrn: 'NO-SUCH-MRN', recipientEmail: 'a@b.test' })
        .expect(404);
      expect(nf.body.code).toBe('not_found');
      const badEmail = await t
        .http()
        .post('/api/v1/staff/invitations')
        .set(h)
        .send({ mrn: 'X', recipientEmail: 'not-an-email' })
        .expect(400);
      expect(badEmail.body.errors).toEqual([expect.objectContaining({ field: 'recipientEmail' })]);
      const noMrn = await t
        .http()
        .post('/api/v1/staff/invitations')
        .set(h)
        .send({ recipientEmail: 'a@b.test' })
        .expect(400);
      expect(noMrn.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'mrn' })]));
      await t
        .http()
        .post('/api/v1/staff/invitations')
        .set(h)
        .send({ mrn: 'X', recipientEmail: 'a@b.test', token: 'x' })
        .expect(400);
      const provider = await createUser(t.app, 'provider');
      await t
        .http()
        .post('/api/v1/staff/invitations')
        .set(await bearer(provider))
        .send({ mrn: 'X', recipientEmail: 'a@b.test' })
        .expect(403);
      await t
        .http()
        .post('/api/v1/staff/invitations')
        .send({ mrn: 'X', recipientEmail: 'a@b.test' })
        .expect(401);
      await t
        .http()
        .post('/api/v1/staff/invitations')
        .set(PORTAL)
        .send({ mrn: 'X', recipientEmail: 'a@b.test' })
        .expect(401);
    });

    it('portal invite: 201 {id, expiresAt}; 404 unknown MRN; portal key only', async () => {
      const patient = await createPatient(t.dataSource, { hasPortalAccount: true });
      const res = await t
        .http()
        .post(`/api/v1/integration/portal/patients/${patient.mrn}/invitations`)
        .set(PORTAL)
        .send({ recipientEmail: 'specialist@clinic.test' })
        .expect(201);
      expect(res.body).toMatchObject({ id: expect.any(String), expiresAt: '2027-05-17T04:00:00.000Z' });
      const [row] = await t.dataSource.query(
        `SELECT issued_by_kind, issued_by FROM invitations WHERE id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({ issued_by_kind: 'portal', issued_by: null });
      expect(await notificationsTo(t.dataSource, 'specialist@clinic.test', 'invitation-token')).toHaveLength(
        1,
      );
      expect(await invitationToken(t, res.body.id)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await auditActions(t.dataSource, patient.id))[0]).toMatchObject({
        action: 'invitation.issue',
        actorKind: 'portal',
      });

      await t
        .http()
        .post(`/api/v1/integration/portal/patients/NOPE-123/invitations`)
        .set(PORTAL)
        .send({ recipientEmail: 'x@y.test' })
        .expect(404);
      await t
        .http()
        .post(`/api/v1/integration/portal/patients/${patient.mrn}/invitations`)
        .set(PORTAL)
        .send({ recipientEmail: 'nope' })
        .expect(400);
      await t
        .http()
        .post(`/api/v1/integration/portal/patients/${patient.mrn}/invitations`)
        .set(PORTAL)
        .send({ recipientEmail: 'x@y.test', mrn: 'z' })
        .expect(400);
      await t
        .http()
        .post(`/api/v1/integration/portal/patients/${patient.mrn}/invitations`)
        .send({ recipientEmail: 'x@y.test' })
        .expect(401);
      await t
        .http()
        .post(`/api/v1/integration/portal/patients/${patient.mrn}/invitations`)
        .set(EHR)
        .send({ recipientEmail: 'x@y.test' })
        .expect(403);
    });
  });

  describe('POST /tokens/validate', () => {
    it('grants access (basis token) once: 200 {patientId}; audited; the same token again is invalid_token', async () => {
      const patient = await createPatient(t.dataSource);
      const { id, token, recipientEmail } = await staffInvite(patient.mrn);
      const provider = await createUser(t.app, 'provider', { email: recipientEmail });
      const ip = freshIp();
      expect((await decide(provider.id, patient.id)).allowed).toBe(false);
      const res = await validate(provider, { token, mrn: patient.mrn }, ip);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ patientId: patient.id });
      expect(await decide(provider.id, patient.id)).toEqual({ allowed: true, basis: 'token' });
      const [inv] = await t.dataSource.query(`SELECT used_by, used_at FROM invitations WHERE id = $1`, [id]);
      expect(inv.used_by).toBe(provider.id);
      const [grant] = await t.dataSource.query(
        `SELECT basis, source_id FROM access_grants WHERE user_id = $1 AND patient_id = $2`,
        [provider.id, patient.id],
      );
      expect(grant).toEqual({ basis: 'token', source_id: id });
      expect((await auditActions(t.dataSource, patient.id)).map((a) => `${a.action}:${a.outcome}`)).toEqual([
        'invitation.issue:success',
        'access.grant:success',
        'token.validate:success',
      ]);

      const again = await validate(provider, { token, mrn: patient.mrn }, ip);
      expect(again.status).toBe(400);
      expect(again.body).toMatchObject({ status: 400, code: 'invalid_token' });
      const other = await createUser(t.app, 'provider');
      expect((await validate(other, { token, mrn: patient.mrn }, ip)).body.code).toBe('invalid_token');
      const failures = (await auditActions(t.dataSource, patient.id)).filter((a) => a.outcome === 'failure');
      expect(failures.map((f) => f.details.reason)).toEqual(['spent', 'spent']);
    });

    it('answers one identical invalid_token for a wrong MRN, an unknown token and garbage; a wrong MRN does not spend the token', async () => {
      const patient = await createPatient(t.dataSource);
      const otherPatient = await createPatient(t.dataSource);
      const { token, recipientEmail } = await staffInvite(patient.mrn);
      const provider = await createUser(t.app, 'provider', { email: recipientEmail });
      const ip = freshIp();
      const bodies = [];
      for (const body of [
        { token, mrn: otherPatient.mrn },
        { token, mrn: 'NO-SUCH-MRN' },
        { token: 'A'.repeat(43), mrn: patient.mrn },
        { token: 'not a token at all!', mrn: patient.mrn },
      ]) {
        const res = await validate(provider, body, ip);
        expect(res.status).toBe(400);
        bodies.push(res.body);
      }
      expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
      expect(bodies[0]).toMatchObject({
        code: 'invalid_token',
        title: expect.any(String),
        detail: expect.any(String),
      });

      // The right pair still works after the failures above (4 of this account's 5).
      const ok = await validate(provider, { token, mrn: patient.mrn }, ip);
      expect(ok.status).toBe(200);
    });

    it('a token works until the end of its last hospital day and not a moment later', async () => {
      const start = t.clock.now();
      try {
        const patient = await createPatient(t.dataSource);
        const a = await staffInvite(patient.mrn);
        const b = await staffInvite(patient.mrn);
        const provider1 = await createUser(t.app, 'provider', { email: a.recipientEmail });
        const provider2 = await createUser(t.app, 'provider', { email: b.recipientEmail });
        const ip = freshIp();
        t.clock.set('2027-05-17T03:59:59.000Z'); // 2027-05-16 23:59:59 EDT
        expect((await validate(provider1, { token: a.token, mrn: patient.mrn }, ip)).status).toBe(200);
        t.clock.set('2027-05-17T04:00:00.000Z'); // 2027-05-17 00:00 EDT
        const late = await validate(provider2, { token: b.token, mrn: patient.mrn }, ip);
        expect(late.status).toBe(400);
        expect(late.body.code).toBe('invalid_token');
        const unknown = await validate(provider2, { token: 'z'.repeat(43), mrn: patient.mrn }, ip);
        expect(late.body).toEqual(unknown.body); // expired is indistinguishable from unknown
        const fails = (await auditActions(t.dataSource, patient.id)).filter((x) => x.outcome === 'failure');
        expect(fails.map((f) => f.details.reason)).toEqual(['expired']);
      } finally {
        t.clock.set(start);
      }
    });

    it('is single use under concurrency: of simultaneous validations by the recipient exactly one wins', async () => {
      const patient = await createPatient(t.dataSource);
      const { token, recipientEmail } = await staffInvite(patient.mrn);
      const recipient = await createUser(t.app, 'provider', { email: recipientEmail });
      // Six sessions of the recipient's account (the only account the token works for), at once.
      const headers = await Promise.all(Array.from({ length: 6 }, () => bearer(recipient)));
      const results = await Promise.all(
        headers.map((h) =>
          t
            .http()
            .post('/api/v1/tokens/validate')
            .set(h)
            .set('x-forwarded-for', freshIp())
            .send({ token, mrn: patient.mrn }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400, 400]);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM access_grants WHERE patient_id = $1 AND basis = 'token'`,
        [patient.id],
      );
      expect(n).toBe(1);
    });

    it('throttles failures per account: the 6th attempt in 15 minutes is 429 with Retry-After, even with a good pair', async () => {
      const patient = await createPatient(t.dataSource);
      const { token, recipientEmail } = await staffInvite(patient.mrn);
      const provider = await createUser(t.app, 'provider');
      for (let i = 0; i < 5; i++) {
        const res = await validate(
          provider,
          { token: `wrong${i}`.padEnd(43, 'x'), mrn: patient.mrn },
          freshIp(),
        );
        expect(res.status).toBe(400);
      }
      const blocked = await validate(provider, { token, mrn: patient.mrn }, freshIp());
      expect(blocked.status).toBe(429);
      expect(blocked.body).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800);
      // Another account from the same address is not affected, and the token was not spent.
      const colleague = await createUser(t.app, 'provider', { email: recipientEmail });
      expect((await validate(colleague, { token, mrn: patient.mrn }, freshIp())).status).toBe(200);
    });

    it('throttles failures per address across accounts (30 per 15 minutes), never a good pair', async () => {
      const patient = await createPatient(t.dataSource);
      const { token, recipientEmail } = await staffInvite(patient.mrn);
      const ip = freshIp();
      for (let u = 0; u < 6; u++) {
        const user = await createUser(t.app, 'provider');
        const h = await bearer(user);
        for (let i = 0; i < 5; i++) {
          const res = await t
            .http()
            .post('/api/v1/tokens/validate')
            .set(h)
            .set('x-forwarded-for', ip)
            .send({ token: 'b'.repeat(43), mrn: patient.mrn });
          expect(res.status).toBe(400);
        }
      }
      const fresh = await createUser(t.app, 'provider', { email: recipientEmail });
      const blocked = await validate(fresh, { token: 'c'.repeat(43), mrn: patient.mrn }, ip);
      expect(blocked.status).toBe(429);
      expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
      // The address counter alone never blocks a correct pair (issue 18 item 7).
      expect((await validate(fresh, { token, mrn: patient.mrn }, ip)).status).toBe(200);
    });

    it('sponsored users may validate; staff may not (403); anonymous 401; bad bodies 400', async () => {
      const patient = await createPatient(t.dataSource);
      const { token, recipientEmail } = await staffInvite(patient.mrn);
      const sponsor = await createUser(t.app, 'provider', { isSponsor: true });
      const nurse = await createUser(t.app, 'sponsored', { sponsorId: sponsor.id, email: recipientEmail });
      const staff = await createUser(t.app, 'staff');
      const ip = freshIp();
      expect((await validate(staff, { token, mrn: patient.mrn }, ip)).status).toBe(403);
      expect((await t.http().post('/api/v1/tokens/validate').send({ token, mrn: patient.mrn })).status).toBe(
        401,
      );
      const missing = await validate(nurse, { token }, ip);
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'mrn' })]),
      );
      expect((await validate(nurse, { token, mrn: patient.mrn, extra: 1 }, ip)).status).toBe(400);
      expect((await validate(nurse, { token: 123, mrn: patient.mrn }, ip)).status).toBe(400);
      const ok = await validate(nurse, { token, mrn: patient.mrn }, ip);
      expect(ok.status).toBe(200);
      expect(await decide(nurse.id, patient.id)).toEqual({ allowed: true, basis: 'token' });
    });

    it('another active provider with the right token and MRN gets invalid_token and the token is not spent', async () => {
      const patient = await createPatient(t.dataSource);
      const { id, token, recipientEmail } = await staffInvite(patient.mrn);
      const other = await createUser(t.app, 'provider');
      const ip = freshIp();
      const wrongAccount = await validate(other, { token, mrn: patient.mrn }, ip);
      expect(wrongAccount.status).toBe(400);
      const unknown = await validate(other, { token: 'q'.repeat(43), mrn: patient.mrn }, ip);
      expect(wrongAccount.body).toEqual(unknown.body); // the same answer as any wrong pair
      expect(wrongAccount.body.code).toBe('invalid_token');
      expect((await decide(other.id, patient.id)).allowed).toBe(false);
      const [inv] = await t.dataSource.query(`SELECT used_at, used_by FROM invitations WHERE id = $1`, [id]);
      expect(inv).toEqual({ used_at: null, used_by: null });
      const fails = (await auditActions(t.dataSource, patient.id)).filter((a) => a.outcome === 'failure');
      expect(fails.map((f) => f.details.reason)).toEqual(['wrong_recipient']);
      // The recipient's account still redeems it.
      const recipient = await createUser(t.app, 'provider', { email: recipientEmail });
      expect((await validate(recipient, { token, mrn: patient.mrn }, freshIp())).status).toBe(200);
      expect(await decide(recipient.id, patient.id)).toEqual({ allowed: true, basis: 'token' });
    });

    it('a wrong account counts as a failure for throttling: after 5 the account is blocked (429)', async () => {
      const patient = await createPatient(t.dataSource);
      const other = await createUser(t.app, 'provider');
      for (let i = 0; i < 5; i++) {
        const { token } = await staffInvite(patient.mrn);
        expect((await validate(other, { token, mrn: patient.mrn }, freshIp())).status).toBe(400);
      }
      const { token } = await staffInvite(patient.mrn, other.email);
      const blocked = await validate(other, { token, mrn: patient.mrn }, freshIp());
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('rate_limited');
    });

    it('matches the recipient email case-insensitively, also for an invitation stored before v1.1 in mixed case', async () => {
      const patient = await createPatient(t.dataSource);
      const { token } = await createInvitation(t.dataSource, {
        patientId: patient.id,
        recipientEmail: 'Dr.Mixed.Case@Clinic.Example',
        createdAt: t.clock.now(),
      });
      const recipient = await createUser(t.app, 'provider', { email: 'dr.mixed.case@clinic.example' });
      const res = await validate(recipient, { token, mrn: patient.mrn }, freshIp());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ patientId: patient.id });
    });

    it("follows the account's current email: after the email changes the old recipient address no longer matches", async () => {
      const patient = await createPatient(t.dataSource);
      const { token, recipientEmail } = await staffInvite(patient.mrn);
      const provider = await createUser(t.app, 'provider', { email: recipientEmail });
      await t.dataSource.query(`UPDATE users SET email = $2 WHERE id = $1`, [
        provider.id,
        `moved-${provider.id}@elsewhere.test`,
      ]);
      const res = await validate(provider, { token, mrn: patient.mrn }, freshIp());
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_token');
    });

    it('staff can revoke a token grant; access ends at once', async () => {
      const patient = await createPatient(t.dataSource);
      const { token, recipientEmail } = await staffInvite(patient.mrn);
      const provider = await createUser(t.app, 'provider', { email: recipientEmail });
      expect((await validate(provider, { token, mrn: patient.mrn }, freshIp())).status).toBe(200);
      const staff = await createUser(t.app, 'staff');
      const sh = await bearer(staff);
      const list = await t
        .http()
        .get(`/api/v1/staff/patients/${patient.id}/access-grants`)
        .set(sh)
        .expect(200);
      expect(list.body.items).toEqual([expect.objectContaining({ basis: 'token', userId: provider.id })]);
      await t.http().delete(`/api/v1/staff/access-grants/${list.body.items[0].id}`).set(sh).expect(204);
      expect((await decide(provider.id, patient.id)).allowed).toBe(false);
    });
  });
});
