import { emailedToken } from './support/smtp-sink.js';
import { createHash } from 'node:crypto';
import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, tokenFor } from './factories/index.js';
import {
  createSponsor,
  createSponsoredUsers,
  notifications,
  renderNotification,
  userState,
} from './factories/sponsorship.js';

const api = '/api/v1/sponsorship';

describe('sponsorship: enrollment and sponsored users', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const bearer = async (user: { id: string; kind: string }) => `Bearer ${await tokenFor(t.app, user)}`;

  describe('POST /sponsorship/enroll', () => {
    it('enrolls a local provider with an NPI, idempotently, and /me-style state follows', async () => {
      const provider = await createUser(t.app, 'provider');
      const auth = await bearer(provider);
      const res = await t.http().post(`${api}/enroll`).set('authorization', auth).expect(200);
      expect(res.body).toEqual({ isSponsor: true });
      await t.http().post(`${api}/enroll`).set('authorization', auth).expect(200);
      const [row] = await t.dataSource.query('SELECT is_sponsor FROM users WHERE id = $1', [provider.id]);
      expect(row.is_sponsor).toBe(true);
      const audits = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE actor_id = $1 AND action = 'sponsorship.enroll'`,
        [provider.id],
      );
      expect(audits[0].n).toBe(1);
    });

    it.each([
      ['a hospital-credentialed provider', 'provider', { hospitalId: 'CH123456', password: null }],
      ['a provider without an NPI', 'provider', { npi: null }],
      ['a sponsored user', 'sponsored', {}],
      ['staff', 'staff', {}],
    ] as const)('refuses %s with 403 not_eligible', async (_label, kind, overrides) => {
      const user = await createUser(t.app, kind, overrides);
      const res = await t
        .http()
        .post(`${api}/enroll`)
        .set('authorization', await bearer(user))
        .expect(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.code).toBe('not_eligible');
    });

    it('needs a signed-in caller', async () => {
      const res = await t.http().post(`${api}/enroll`).expect(401);
      expect(res.body.code).toBe('unauthenticated');
    });
  });

  describe('POST /sponsorship/sponsored-users', () => {
    it('creates an invited account in the sponsor’s practice and emails an activation link', async () => {
      const sponsor = await createSponsor(t.app, { firstName: 'Alex', lastName: 'Rivera' });
      const res = await t
        .http()
        .post(`${api}/sponsored-users`)
        .set('authorization', await bearer(sponsor))
        .send({
          email: '  Nurse.Jones@Practice.Example ',
          firstName: 'Jamie',
          lastName: 'Jones',
          role: 'registered_nurse',
        })
        .expect(201);
      expect(res.body).toEqual({ id: expect.any(String), status: 'invited' });
      const [row] = await t.dataSource.query(
        'SELECT kind, email, status, sponsor_id, practice_id, sponsored_role, password_hash, npi FROM users WHERE id = $1',
        [res.body.id],
      );
      expect(row).toEqual({
        kind: 'sponsored',
        email: 'nurse.jones@practice.example',
        status: 'invited',
        sponsor_id: sponsor.id,
        practice_id: sponsor.practiceId,
        sponsored_role: 'registered_nurse',
        password_hash: null,
        npi: null,
      });
      const [mail] = (await notifications(t.dataSource, 'sponsored-user-activation')).filter(
        (n) => n.recipient === 'nurse.jones@practice.example',
      );
      expect(mail.data).toMatchObject({ firstName: 'Jamie', sponsorName: 'Alex Rivera' });
      const token = await emailedToken(t.smtp, mail.id);
      expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      const [stored] = await t.dataSource.query(
        `SELECT purpose, used_at FROM action_tokens WHERE user_id = $1 AND token_hash = $2`,
        [res.body.id, createHash('sha256').update(token).digest('hex')],
      );
      expect(stored).toEqual({ purpose: 'activate', used_at: null });
      const rendered = renderNotification(mail);
      expect(rendered.text).toContain(`https://portal.test/activate?token=${token}`);
      expect(rendered.subject).toMatch(/activate/i);
    });

    it('answers 409 email_taken for an address already in use, whatever its case', async () => {
      const sponsor = await createSponsor(t.app);
      const other = await createUser(t.app, 'provider');
      const res = await t
        .http()
        .post(`${api}/sponsored-users`)
        .set('authorization', await bearer(sponsor))
        .send({ email: other.email.toUpperCase(), firstName: 'A', lastName: 'B', role: 'other' })
        .expect(409);
      expect(res.body.code).toBe('email_taken');
    });

    it('answers 403 not_a_sponsor to a provider who has not enrolled, and to sponsored users', async () => {
      const provider = await createUser(t.app, 'provider');
      const body = { email: `x-${Date.now()}@example.test`, firstName: 'A', lastName: 'B', role: 'other' };
      const res = await t
        .http()
        .post(`${api}/sponsored-users`)
        .set('authorization', await bearer(provider))
        .send(body)
        .expect(403);
      expect(res.body.code).toBe('not_a_sponsor');
      const sponsored = await createUser(t.app, 'sponsored');
      const res2 = await t
        .http()
        .post(`${api}/sponsored-users`)
        .set('authorization', await bearer(sponsored))
        .send(body)
        .expect(403);
      expect(res2.body.code).toBe('not_a_sponsor');
    });

    it.each([
      [{ email: 'not-an-email', firstName: 'A', lastName: 'B', role: 'other' }, 'email'],
      [{ email: 'ok@example.test', firstName: 'A', lastName: 'B', role: 'physician' }, 'role'],
      [{ email: 'ok@example.test', firstName: '  ', lastName: 'B', role: 'other' }, 'firstName'],
      [{ email: 'ok@example.test', firstName: 'A', role: 'other' }, 'lastName'],
      [{ email: 'ok@example.test', firstName: 'A', lastName: 'B', role: 'other', npi: '1234567893' }, 'npi'],
      [{ email: 42, firstName: 'A', lastName: 'B', role: 'other' }, 'email'],
    ])('rejects %j with 400 validation_failed naming %s', async (body, field) => {
      const sponsor = await createSponsor(t.app);
      const res = await t
        .http()
        .post(`${api}/sponsored-users`)
        .set('authorization', await bearer(sponsor))
        .send(body)
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('accepts every role of the contract', async () => {
      const sponsor = await createSponsor(t.app);
      const auth = await bearer(sponsor);
      for (const role of [
        'registered_nurse',
        'referral_coordinator',
        'social_worker',
        'office_manager',
        'other',
      ]) {
        await t
          .http()
          .post(`${api}/sponsored-users`)
          .set('authorization', auth)
          .send({ email: `${role}-${sponsor.id}@example.test`, firstName: 'A', lastName: role, role })
          .expect(201);
      }
    });
  });

  describe('GET /sponsorship/sponsored-users', () => {
    it('lists only the caller’s sponsored users, newest first, in pages', async () => {
      const sponsor = await createSponsor(t.app);
      const mine = await createSponsoredUsers(t.app, sponsor, 5);
      const otherSponsor = await createSponsor(t.app);
      await createSponsoredUsers(t.app, otherSponsor, 2);
      const auth = await bearer(sponsor);
      const first = await t
        .http()
        .get(`${api}/sponsored-users?limit=3`)
        .set('authorization', auth)
        .expect(200);
      expect(first.body.items).toHaveLength(3);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      expect(first.body.items[0]).toEqual({
        id: expect.any(String),
        email: expect.any(String),
        firstName: 'Test',
        lastName: expect.any(String),
        role: 'registered_nurse',
        status: 'active',
        lockReason: null,
        createdAt: expect.any(String),
      });
      const second = await t
        .http()
        .get(`${api}/sponsored-users?limit=3&cursor=${first.body.nextCursor}`)
        .set('authorization', auth)
        .expect(200);
      expect(second.body.items).toHaveLength(2);
      expect(second.body.nextCursor).toBeNull();
      const ids = [...first.body.items, ...second.body.items].map((u: { id: string }) => u.id).sort();
      expect(ids).toEqual(mine.map((u) => u.id).sort());
    });

    it('filters by status', async () => {
      const sponsor = await createSponsor(t.app);
      await createSponsoredUsers(t.app, sponsor, 2);
      const [gone] = await createSponsoredUsers(t.app, sponsor, 1, { status: 'deactivated' });
      const res = await t
        .http()
        .get(`${api}/sponsored-users?status=deactivated`)
        .set('authorization', await bearer(sponsor))
        .expect(200);
      expect(res.body.items.map((u: { id: string }) => u.id)).toEqual([gone.id]);
    });

    it.each(['limit=0', 'limit=201', 'limit=abc', 'cursor=bad!', 'cursor=Zm9v', 'status=nope'])(
      'rejects ?%s with 400',
      async (query) => {
        const sponsor = await createSponsor(t.app);
        const res = await t
          .http()
          .get(`${api}/sponsored-users?${query}`)
          .set('authorization', await bearer(sponsor))
          .expect(400);
        expect(res.body.code).toBe('validation_failed');
      },
    );

    it('answers 403 not_a_sponsor to a non-sponsor', async () => {
      const provider = await createUser(t.app, 'provider');
      const res = await t
        .http()
        .get(`${api}/sponsored-users`)
        .set('authorization', await bearer(provider))
        .expect(403);
      expect(res.body.code).toBe('not_a_sponsor');
    });
  });

  describe('DELETE /sponsorship/sponsored-users/:id', () => {
    it('deactivates the account, ends its sessions, kills its activation link and tells the person', async () => {
      const sponsor = await createSponsor(t.app);
      const [user] = await createSponsoredUsers(t.app, sponsor, 1);
      const userAuth = await bearer(user);
      await t.dataSource.query(
        `INSERT INTO action_tokens (user_id, purpose, token_hash, expires_at) VALUES ($1, 'activate', repeat('a', 64), now() + interval '1 day')`,
        [user.id],
      );
      await t
        .http()
        .delete(`${api}/sponsored-users/${user.id}`)
        .set('authorization', await bearer(sponsor))
        .expect(204);
      expect(await userState(t.dataSource, user.id)).toEqual({ status: 'deactivated', lock_reason: null });
      const sessions = await t.dataSource.query('SELECT revoked_at FROM sessions WHERE user_id = $1', [
        user.id,
      ]);
      expect(sessions.length).toBeGreaterThan(0);
      expect(sessions.every((s: { revoked_at: Date | null }) => s.revoked_at !== null)).toBe(true);
      const tokens = await t.dataSource.query('SELECT used_at FROM action_tokens WHERE user_id = $1', [
        user.id,
      ]);
      expect(tokens[0].used_at).not.toBeNull();
      const res = await t.http().get(`${api}/validation`).set('authorization', userAuth);
      expect(res.status).toBe(401);
      const mails = (await notifications(t.dataSource, 'sponsored-user-deactivated')).filter(
        (n) => n.recipient === user.email,
      );
      expect(mails).toHaveLength(1);
      expect(renderNotification(mails[0]).text).toMatch(/removed your access/);
      // Deactivating again changes nothing and answers the same.
      await t
        .http()
        .delete(`${api}/sponsored-users/${user.id}`)
        .set('authorization', await bearer(sponsor))
        .expect(204);
      expect(
        (await notifications(t.dataSource, 'sponsored-user-deactivated')).filter(
          (n) => n.recipient === user.email,
        ),
      ).toHaveLength(1);
    });

    it('answers 404 for another sponsor’s user, a provider, an unknown id and a malformed id', async () => {
      const sponsor = await createSponsor(t.app);
      const other = await createSponsor(t.app);
      const [theirs] = await createSponsoredUsers(t.app, other, 1);
      const auth = await bearer(sponsor);
      for (const id of [theirs.id, other.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const res = await t
          .http()
          .delete(`${api}/sponsored-users/${id}`)
          .set('authorization', auth)
          .expect(404);
        expect(res.body.code).toBe('not_found');
      }
      expect(await userState(t.dataSource, theirs.id)).toEqual({ status: 'active', lock_reason: null });
    });
  });

  describe('POST /sponsorship/sponsored-users/:id/replace-email', () => {
    it('creates a new invited account with the same name and role and deactivates the old one', async () => {
      const sponsor = await createSponsor(t.app);
      const [old] = await createSponsoredUsers(t.app, sponsor, 1, {
        firstName: 'Jamie',
        sponsoredRole: 'office_manager',
      });
      const res = await t
        .http()
        .post(`${api}/sponsored-users/${old.id}/replace-email`)
        .set('authorization', await bearer(sponsor))
        .send({ newEmail: `Jamie.New-${old.id}@Example.test` })
        .expect(201);
      expect(res.body).toEqual({ id: expect.any(String) });
      expect(res.body.id).not.toBe(old.id);
      const [created] = await t.dataSource.query(
        'SELECT email, status, first_name, last_name, sponsored_role, sponsor_id FROM users WHERE id = $1',
        [res.body.id],
      );
      expect(created).toEqual({
        email: `jamie.new-${old.id}@example.test`,
        status: 'invited',
        first_name: 'Jamie',
        last_name: old.lastName,
        sponsored_role: 'office_manager',
        sponsor_id: sponsor.id,
      });
      expect((await userState(t.dataSource, old.id)).status).toBe('deactivated');
      const activation = (await notifications(t.dataSource, 'sponsored-user-activation')).filter(
        (n) => n.recipient === created.email,
      );
      expect(activation).toHaveLength(1);
      const closed = (await notifications(t.dataSource, 'sponsored-user-deactivated')).filter(
        (n) => n.recipient === old.email,
      );
      expect(closed).toHaveLength(1);
      expect(renderNotification(closed[0]).text).toMatch(/new email address/);
    });

    it('keeps the old account when the new address is taken (409 email_taken)', async () => {
      const sponsor = await createSponsor(t.app);
      const [old] = await createSponsoredUsers(t.app, sponsor, 1);
      const taken = await createUser(t.app, 'staff');
      const res = await t
        .http()
        .post(`${api}/sponsored-users/${old.id}/replace-email`)
        .set('authorization', await bearer(sponsor))
        .send({ newEmail: taken.email })
        .expect(409);
      expect(res.body.code).toBe('email_taken');
      expect((await userState(t.dataSource, old.id)).status).toBe('active');
    });

    it('answers 404 for someone else’s user, 409 for a deactivated one, 400 for a bad address', async () => {
      const sponsor = await createSponsor(t.app);
      const other = await createSponsor(t.app);
      const [theirs] = await createSponsoredUsers(t.app, other, 1);
      const [gone] = await createSponsoredUsers(t.app, sponsor, 1, { status: 'deactivated' });
      const auth = await bearer(sponsor);
      const r404 = await t
        .http()
        .post(`${api}/sponsored-users/${theirs.id}/replace-email`)
        .set('authorization', auth)
        .send({ newEmail: 'n1@example.test' });
      expect(r404.status).toBe(404);
      const r409 = await t
        .http()
        .post(`${api}/sponsored-users/${gone.id}/replace-email`)
        .set('authorization', auth)
        .send({ newEmail: 'n2@example.test' });
      expect(r409.status).toBe(409);
      expect(r409.body.code).toBe('invalid_state');
      const r400 = await t
        .http()
        .post(`${api}/sponsored-users/${gone.id}/replace-email`)
        .set('authorization', auth)
        .send({ newEmail: 'nope' });
      expect(r400.status).toBe(400);
      expect(r400.body.code).toBe('validation_failed');
    });
  });
});
