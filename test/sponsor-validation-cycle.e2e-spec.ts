import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, tokenFor, type UserRow } from './factories/index.js';
import {
  createSponsor,
  createSponsoredUsers,
  notifications,
  renderNotification,
  userState,
} from './factories/sponsorship.js';

const api = '/api/v1';

/**
 * The whole semiannual cycle through HTTP with the clock moved: open on April 1, reminders 14/7/1
 * days before the due date, enforcement after it, the locked sponsor's limited access, completion
 * unlocking, and the next period on October 1.
 */
describe('sponsor validation: the whole cycle', () => {
  let t: TestContext;
  let staff: UserRow;
  let late: UserRow; // sponsor who misses the deadline
  let lateUsers: UserRow[];
  let invitedId: string;
  let punctual: UserRow; // sponsor who completes in time
  let punctualUsers: UserRow[];
  let lonely: UserRow; // sponsor without sponsored users

  const auth = async (user: { id: string; kind: string }) => `Bearer ${await tokenFor(t.app, user)}`;
  const runJob = async (name: string, asOf?: string) => {
    const res = await t
      .http()
      .post(`${api}/staff/jobs/${name}/run`)
      .set('authorization', await auth(staff))
      .send(asOf ? { asOf } : {});
    expect(res.status).toBe(200);
    return res.body as { job: string; asOf: string; affected: number };
  };

  beforeAll(async () => {
    t = await createTestApp({ now: '2027-03-20T15:00:00Z' });
    staff = await createUser(t.app, 'staff');

    // The late sponsor enrolls and creates sponsored users through the API.
    late = await createUser(t.app, 'provider', { firstName: 'Alex', lastName: 'Rivera' });
    const lateAuth = await auth(late);
    await t.http().post(`${api}/sponsorship/enroll`).set('authorization', lateAuth).expect(200);
    const ids: string[] = [];
    for (const [i, role] of (
      ['registered_nurse', 'office_manager', 'social_worker', 'other'] as const
    ).entries()) {
      const res = await t
        .http()
        .post(`${api}/sponsorship/sponsored-users`)
        .set('authorization', lateAuth)
        .send({ email: `late-${i}@practice.example`, firstName: `Person${i}`, lastName: 'Late', role })
        .expect(201);
      ids.push(res.body.id);
    }
    // Three of them activate (the identity module's /auth/activate sets the password and status);
    // the fourth is still invited.
    await t.dataSource.query(`UPDATE users SET status = 'active' WHERE id = ANY($1::uuid[])`, [
      ids.slice(0, 3),
    ]);
    invitedId = ids[3];
    lateUsers = await t.dataSource.query(
      `SELECT id, email, kind, first_name AS "firstName", last_name AS "lastName" FROM users WHERE id = ANY($1::uuid[]) ORDER BY email`,
      [ids.slice(0, 3)],
    );

    punctual = await createSponsor(t.app, { firstName: 'Pat', lastName: 'Punctual' });
    punctualUsers = await createSponsoredUsers(t.app, punctual, 2);
    lonely = await createSponsor(t.app);
    await createUser(t.app, 'provider'); // not a sponsor
  });
  afterAll(() => t.close());

  it('opens on April 1 for every sponsor with sponsored users, once', async () => {
    t.clock.set('2027-04-01T04:05:00Z'); // 00:05 in Boston
    const first = await runJob('sponsor-validation-open');
    expect(first).toEqual({ job: 'sponsor-validation-open', asOf: '2027-04-01', affected: 2 });
    const again = await runJob('sponsor-validation-open');
    expect(again.affected).toBe(0);

    const opened = await notifications(t.dataSource, 'sponsor-validation-opened');
    expect(opened.map((n) => n.recipient).sort()).toEqual([late.email, punctual.email].sort());
    const mine = opened.find((n) => n.recipient === late.email)!;
    // v1.1: the invited (not yet activated) user is listed too, and the email names the last day.
    expect(mine.data).toMatchObject({
      firstName: 'Alex',
      period: '2027-04',
      dueDate: '2027-05-01',
      lastDay: '2027-04-30',
      userCount: 4,
    });
    const rendered = renderNotification(mine);
    expect(rendered.subject).toContain('2027-04-30');
    expect(rendered.text).toContain('https://portal.test/sponsorship/validation');
  });

  it('shows the sponsor the open validation with their active sponsored users', async () => {
    const res = await t
      .http()
      .get(`${api}/sponsorship/validation`)
      .set('authorization', await auth(late))
      .expect(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      period: '2027-04',
      dueAt: '2027-05-01T04:00:00.000Z',
      lastDay: '2027-04-30',
      status: 'pending',
      users: expect.any(Array),
    });
    expect(res.body.users.map((u: { id: string }) => u.id).sort()).toEqual(
      [...lateUsers.map((u) => u.id), invitedId].sort(),
    );
    expect(res.body.users[0]).toEqual({
      id: expect.any(String),
      firstName: expect.stringMatching(/^Person\d$/),
      lastName: 'Late',
      email: expect.stringMatching(/^late-\d@practice\.example$/),
      role: expect.any(String),
    });
  });

  it('answers 404 to a sponsor without an open validation and 403 not_a_sponsor to non-sponsors', async () => {
    const none = await t
      .http()
      .get(`${api}/sponsorship/validation`)
      .set('authorization', await auth(lonely))
      .expect(404);
    expect(none.body.code).toBe('not_found');
    const sponsored = await t
      .http()
      .get(`${api}/sponsorship/validation`)
      .set('authorization', await auth(punctualUsers[0]))
      .expect(403);
    expect(sponsored.body.code).toBe('not_a_sponsor');
  });

  it('refuses incomplete, unknown, contradictory and foreign decisions', async () => {
    const pAuth = await auth(punctual);
    const { body: v } = await t
      .http()
      .get(`${api}/sponsorship/validation`)
      .set('authorization', pAuth)
      .expect(200);
    const url = `${api}/sponsorship/validation/${v.id}/complete`;

    const incomplete = await t
      .http()
      .post(url)
      .set('authorization', pAuth)
      .send({ decisions: [{ userId: punctualUsers[0].id, keep: true }] })
      .expect(400);
    expect(incomplete.body.code).toBe('incomplete_decisions');
    expect(incomplete.body.missingUserIds).toEqual([punctualUsers[1].id]);

    const empty = await t.http().post(url).set('authorization', pAuth).send({ decisions: [] }).expect(400);
    expect(empty.body.code).toBe('incomplete_decisions');

    const unknown = await t
      .http()
      .post(url)
      .set('authorization', pAuth)
      .send({
        decisions: [
          ...punctualUsers.map((u) => ({ userId: u.id, keep: true })),
          { userId: lateUsers[0].id, keep: false },
        ],
      })
      .expect(400);
    expect(unknown.body.code).toBe('validation_failed');

    const contradictory = await t
      .http()
      .post(url)
      .set('authorization', pAuth)
      .send({
        decisions: [
          ...punctualUsers.map((u) => ({ userId: u.id, keep: true })),
          { userId: punctualUsers[0].id, keep: false },
        ],
      })
      .expect(400);
    expect(contradictory.body.code).toBe('validation_failed');

    for (const body of [
      {},
      { decisions: 'all' },
      { decisions: [{ userId: 'x', keep: true }] },
      { decisions: [{ userId: punctualUsers[0].id, keep: 'yes' }] },
    ]) {
      const res = await t.http().post(url).set('authorization', pAuth).send(body).expect(400);
      expect(res.body.code).toBe('validation_failed');
    }

    // Another sponsor's validation, an unknown id, a malformed id: 404.
    const lateAuth = await auth(late);
    for (const id of [v.id, '00000000-0000-4000-8000-000000000000', 'nope']) {
      const res = await t
        .http()
        .post(`${api}/sponsorship/validation/${id}/complete`)
        .set('authorization', lateAuth)
        .send({ decisions: [] });
      expect(res.status).toBe(404);
    }
    // Nothing changed.
    for (const u of punctualUsers)
      expect(await userState(t.dataSource, u.id)).toEqual({ status: 'active', lock_reason: null });
  });

  it('completes in time: removed users are deactivated and told, the sponsor gets a confirmation', async () => {
    const pAuth = await auth(punctual);
    const { body: v } = await t
      .http()
      .get(`${api}/sponsorship/validation`)
      .set('authorization', pAuth)
      .expect(200);
    const [keep, remove] = punctualUsers;
    const removedAuth = await auth(remove);
    const res = await t
      .http()
      .post(`${api}/sponsorship/validation/${v.id}/complete`)
      .set('authorization', pAuth)
      .send({
        decisions: [
          { userId: keep.id, keep: true },
          { userId: remove.id.toUpperCase(), keep: false },
        ],
      })
      .expect(200);
    expect(res.body).toEqual({ status: 'completed' });
    expect(await userState(t.dataSource, keep.id)).toEqual({ status: 'active', lock_reason: null });
    expect(await userState(t.dataSource, remove.id)).toEqual({ status: 'deactivated', lock_reason: null });
    await t.http().get(`${api}/sponsorship/validation`).set('authorization', removedAuth).expect(401); // sessions ended
    expect((await notifications(t.dataSource, 'sponsored-user-deactivated')).map((n) => n.recipient)).toEqual(
      [remove.email],
    );
    const [confirmation] = await notifications(t.dataSource, 'sponsor-validation-completed');
    expect(confirmation).toMatchObject({
      recipient: punctual.email,
      data: { keptCount: 1, removedCount: 1 },
    });
    renderNotification(confirmation);

    await t.http().get(`${api}/sponsorship/validation`).set('authorization', pAuth).expect(404);
    const twice = await t
      .http()
      .post(`${api}/sponsorship/validation/${v.id}/complete`)
      .set('authorization', pAuth)
      .send({ decisions: [{ userId: keep.id, keep: true }] })
      .expect(409);
    expect(twice.body.code).toBe('validation_completed');
  });

  it('reminds 14, 7 and 1 days before the due date, each once, catching up a missed day', async () => {
    const remind = async (asOf: string) => (await runJob('sponsor-validation-remind', asOf)).affected;
    expect(await remind('2027-04-16')).toBe(0); // 15 days left
    expect(await remind('2027-04-18')).toBe(1); // 13 days left: the missed 14-day reminder
    expect(await remind('2027-04-18')).toBe(0);
    expect(await remind('2027-04-20')).toBe(0);
    expect(await remind('2027-04-24')).toBe(1); // 7 days
    expect(await remind('2027-04-29')).toBe(0);
    t.clock.set('2027-04-30T12:00:00Z');
    expect(await remind('2027-04-30')).toBe(1); // 1 day
    expect(await remind('2027-05-01')).toBe(0); // due: no more reminders
    const reminders = await notifications(t.dataSource, 'sponsor-validation-reminder');
    expect(reminders.map((n) => n.recipient)).toEqual([late.email, late.email, late.email]);
    expect(reminders.map((n) => n.data.daysLeft)).toEqual([13, 7, 1]);
    for (const r of reminders) expect(renderNotification(r).text).toContain('2027-04-30');
  });

  it('locks the sponsor and their sponsored users after the due date, once, and emails each', async () => {
    expect((await runJob('sponsor-validation-enforce', '2027-04-30')).affected).toBe(0);
    t.clock.set('2027-05-01T04:15:00Z');
    const res = await runJob('sponsor-validation-enforce');
    expect(res).toEqual({ job: 'sponsor-validation-enforce', asOf: '2027-05-01', affected: 1 });
    expect((await runJob('sponsor-validation-enforce')).affected).toBe(0);

    expect(await userState(t.dataSource, late.id)).toEqual({
      status: 'locked',
      lock_reason: 'validation_overdue',
    });
    for (const u of lateUsers)
      expect(await userState(t.dataSource, u.id)).toEqual({
        status: 'locked',
        lock_reason: 'validation_overdue',
      });
    expect(await userState(t.dataSource, invitedId)).toEqual({
      status: 'locked',
      lock_reason: 'validation_overdue',
    });
    // The punctual sponsor and their kept user are untouched.
    expect((await userState(t.dataSource, punctual.id)).status).toBe('active');
    expect((await userState(t.dataSource, punctualUsers[0].id)).status).toBe('active');

    const sponsorMail = await notifications(t.dataSource, 'sponsor-locked');
    expect(sponsorMail.map((n) => n.recipient)).toEqual([late.email]);
    expect(renderNotification(sponsorMail[0]).text).toMatch(/only to complete the review/);
    const userMail = await notifications(t.dataSource, 'sponsored-user-locked');
    expect(userMail.map((n) => n.recipient).sort()).toEqual(
      [...lateUsers.map((u) => u.email), 'late-3@practice.example'].sort(),
    );
    expect(userMail[0].data.sponsorName).toBe('Alex Rivera');
    renderNotification(userMail[0]);

    const v = await t
      .http()
      .get(`${api}/sponsorship/validation`)
      .set('authorization', await auth(late))
      .expect(200);
    expect(v.body.status).toBe('overdue');
  });

  it('lets the locked sponsor use only /me, /auth/* and /sponsorship/validation*', async () => {
    const lateAuth = await auth(late);
    await t.http().get(`${api}/sponsorship/validation`).set('authorization', lateAuth).expect(200);
    for (const [method, path] of [
      ['get', '/sponsorship/sponsored-users'],
      ['post', '/sponsorship/enroll'],
      ['delete', `/sponsorship/sponsored-users/${lateUsers[0].id}`],
      ['post', '/staff/jobs/sponsor-validation-open/run'],
    ] as const) {
      const res = await t.http()[method](`${api}${path}`).set('authorization', lateAuth).send({});
      expect([path, res.status, res.body.code]).toEqual([path, 403, 'account_locked']);
    }
    // /me answers, and says why the account is locked.
    const me = await t.http().get(`${api}/me`).set('authorization', lateAuth);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: late.id,
      isSponsor: true,
      status: 'locked',
      lockReason: 'validation_overdue',
    });
    // A locked sponsored user gets nothing, not even the validation.
    const locked = await t
      .http()
      .get(`${api}/sponsorship/validation`)
      .set('authorization', await auth(lateUsers[0]));
    expect([locked.status, locked.body.code]).toEqual([403, 'account_locked']);
  });

  it('completing unlocks the sponsor and kept users, deactivates removed ones and emails everyone affected', async () => {
    const lateAuth = await auth(late);
    const { body: v } = await t
      .http()
      .get(`${api}/sponsorship/validation`)
      .set('authorization', lateAuth)
      .expect(200);
    const [k1, k2, gone] = lateUsers;
    await t
      .http()
      .post(`${api}/sponsorship/validation/${v.id}/complete`)
      .set('authorization', lateAuth)
      .send({
        decisions: [
          { userId: k1.id, keep: true },
          { userId: k2.id, keep: true },
          { userId: gone.id, keep: false },
          { userId: invitedId, keep: true },
        ],
      })
      .expect(200);
    expect(await userState(t.dataSource, late.id)).toEqual({ status: 'active', lock_reason: null });
    expect(await userState(t.dataSource, k1.id)).toEqual({ status: 'active', lock_reason: null });
    expect(await userState(t.dataSource, k2.id)).toEqual({ status: 'active', lock_reason: null });
    expect(await userState(t.dataSource, gone.id)).toEqual({ status: 'deactivated', lock_reason: null });
    // Kept, the invitee who never activated goes back to invited.
    expect(await userState(t.dataSource, invitedId)).toEqual({ status: 'invited', lock_reason: null });

    const unlockedSponsor = await notifications(t.dataSource, 'sponsor-unlocked');
    expect(unlockedSponsor.map((n) => n.recipient)).toEqual([late.email]);
    expect(unlockedSponsor[0].data).toMatchObject({ keptCount: 3, removedCount: 1 });
    renderNotification(unlockedSponsor[0]);
    const unlockedUsers = await notifications(t.dataSource, 'sponsored-user-unlocked');
    expect(unlockedUsers.map((n) => n.recipient).sort()).toEqual(
      [k1.email, k2.email, 'late-3@practice.example'].sort(),
    );
    renderNotification(unlockedUsers[0]);
    expect(
      (await notifications(t.dataSource, 'sponsored-user-deactivated')).map((n) => n.recipient),
    ).toContain(gone.email);

    // Everything is open again for the sponsor and the kept users.
    await t.http().get(`${api}/sponsorship/sponsored-users`).set('authorization', lateAuth).expect(200);
    await t.http().get(`${api}/sponsorship/validation`).set('authorization', lateAuth).expect(404);
    const audit = await t.dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'sponsorship.validation_complete' AND actor_id = $1`,
      [late.id],
    );
    expect(audit[0].details).toMatchObject({ kept: 3, removed: 1, unlocked: 3 });
  });

  it('opens the October period for sponsors who still have active sponsored users', async () => {
    t.clock.set('2027-10-01T04:05:00Z');
    const res = await runJob('sponsor-validation-open');
    expect(res).toEqual({ job: 'sponsor-validation-open', asOf: '2027-10-01', affected: 2 });
    const { body } = await t
      .http()
      .get(`${api}/sponsorship/validation`)
      .set('authorization', await auth(late))
      .expect(200);
    expect(body).toMatchObject({ period: '2027-10', dueAt: '2027-10-31T04:00:00.000Z', status: 'pending' });
    expect(body.users).toHaveLength(3);
  });

  it('answers unknown jobs with 404 and impossible dates with 400', async () => {
    const unknown = await t
      .http()
      .post(`${api}/staff/jobs/no-such-job/run`)
      .set('authorization', await auth(staff))
      .send({});
    expect([unknown.status, unknown.body.code]).toEqual([404, 'not_found']);
    const bad = await t
      .http()
      .post(`${api}/staff/jobs/sponsor-validation-open/run`)
      .set('authorization', await auth(staff))
      .send({ asOf: '2027-02-30' });
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
  });
});
