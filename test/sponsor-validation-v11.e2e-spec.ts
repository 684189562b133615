import { createTestApp, type TestContext } from './support/test-app.js';
import { linkToken } from './support/smtp-sink.js';
import { createUser, tokenFor, type UserRow } from './factories/index.js';
import { STRONG_PASSWORD } from './factories/identity.js';
import {
  createSponsor,
  createSponsoredUsers,
  notifications,
  renderNotification,
  userState,
} from './factories/sponsorship.js';

const api = '/api/v1';

/**
 * The validation holes of issue 16 and the v1.1 routes: invited users listed and locked, a sponsor
 * left with nobody not locked, the last day in emails and responses, the history and staff lists,
 * and transferred users leaving the old sponsor's validation.
 */
describe('sponsor validation v1.1', () => {
  let t: TestContext;
  let staff: UserRow;
  let withInvitee: UserRow; // an active user and an invitee (created through the API)
  let activeUser: UserRow;
  let inviteeId: string;
  let activationToken: string;
  let emptied: UserRow; // removes their only user before the deadline
  let emptiedUser: UserRow;
  let onlyInvited: UserRow; // has only an invited user
  let leaving: UserRow; // deactivated by staff, users transferred
  let heir: UserRow;
  let transferred: UserRow;

  const auth = async (user: { id: string; kind: string }) => `Bearer ${await tokenFor(t.app, user)}`;
  const get = async (user: { id: string; kind: string }, path: string) =>
    t
      .http()
      .get(`${api}${path}`)
      .set('authorization', await auth(user));
  const runJob = async (name: string, asOf?: string) => {
    const res = await t
      .http()
      .post(`${api}/staff/jobs/${name}/run`)
      .set('authorization', await auth(staff))
      .send(asOf ? { asOf } : {});
    expect(res.status).toBe(200);
    return res.body as { affected: number };
  };

  beforeAll(async () => {
    t = await createTestApp({ now: '2027-03-25T15:00:00Z' });
    staff = await createUser(t.app, 'staff');
    withInvitee = await createSponsor(t.app, { firstName: 'Ines', lastName: 'Vite' });
    [activeUser] = await createSponsoredUsers(t.app, withInvitee, 1);
    const invite = await t
      .http()
      .post(`${api}/sponsorship/sponsored-users`)
      .set('authorization', await auth(withInvitee))
      .send({
        email: 'invitee-v11@practice.example',
        firstName: 'Ivy',
        lastName: 'Invitee',
        role: 'office_manager',
      })
      .expect(201);
    inviteeId = invite.body.id;
    activationToken = linkToken(await t.smtp.waitForTo('invitee-v11@practice.example'), 'activate');

    emptied = await createSponsor(t.app);
    [emptiedUser] = await createSponsoredUsers(t.app, emptied, 1);
    onlyInvited = await createSponsor(t.app);
    await createSponsoredUsers(t.app, onlyInvited, 1, { status: 'invited', password: null });
    leaving = await createSponsor(t.app);
    heir = await createSponsor(t.app, { practiceId: leaving.practiceId });
    [transferred] = await createSponsoredUsers(t.app, leaving, 1);
    await createSponsoredUsers(t.app, heir, 1);

    t.clock.set('2027-04-01T04:05:00Z');
    await runJob('sponsor-validation-open');
  });
  afterAll(() => t.close());

  it('opens a validation for a sponsor whose only user is invited, and lists invitees', async () => {
    const mine = await get(onlyInvited, '/sponsorship/validation');
    expect(mine.status).toBe(200);
    expect(mine.body.users).toHaveLength(1);
    const listed = (await get(withInvitee, '/sponsorship/validation')).body.users
      .map((u: { id: string }) => u.id)
      .sort();
    expect(listed).toEqual([activeUser.id, inviteeId].sort());
  });

  it('names the last day (the day before dueAt) in GET /sponsorship/validation and in the emails', async () => {
    const v = (await get(withInvitee, '/sponsorship/validation')).body;
    expect(v).toMatchObject({ dueAt: '2027-05-01T04:00:00.000Z', lastDay: '2027-04-30', status: 'pending' });
    const opened = (await notifications(t.dataSource, 'sponsor-validation-opened')).find(
      (n) => n.recipient === withInvitee.email,
    )!;
    expect(opened.data).toMatchObject({ lastDay: '2027-04-30', userCount: 2 });
    const rendered = renderNotification(opened);
    expect(rendered.subject).toContain('2027-04-30');
    expect(rendered.text).toContain('2027-04-30');
    expect(rendered.text).not.toContain('2027-05-01');

    t.clock.set('2027-04-17T12:00:00Z');
    await runJob('sponsor-validation-remind');
    const reminder = (await notifications(t.dataSource, 'sponsor-validation-reminder')).find(
      (n) => n.recipient === withInvitee.email,
    )!;
    expect(reminder.data).toMatchObject({ lastDay: '2027-04-30', daysLeft: 14 });
    expect(renderNotification(reminder).text).toContain('must be completed by 2027-04-30');
  });

  it('transferred users leave the old sponsor’s open validation', async () => {
    const res = await t
      .http()
      .post(`${api}/staff/users/${leaving.id}/deactivate`)
      .set('authorization', await auth(staff))
      .send({ reason: 'retired', sponsoredUsers: 'transfer', transferToSponsorId: heir.id });
    expect(res.status).toBe(200);
    const [row] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM sponsor_validation_users vu JOIN sponsor_validations v ON v.id = vu.validation_id
        WHERE v.sponsor_id = $1 AND vu.user_id = $2`,
      [leaving.id, transferred.id],
    );
    expect(row.n).toBe(0);
    const [moved] = await t.dataSource.query('SELECT sponsor_id FROM users WHERE id = $1', [transferred.id]);
    expect(moved.sponsor_id).toBe(heir.id);
  });

  it('enforcement locks invited users too; while locked their activation link answers 400 invalid_token', async () => {
    // The sponsor who removed everyone has nothing left to review.
    await t
      .http()
      .delete(`${api}/sponsorship/sponsored-users/${emptiedUser.id}`)
      .set('authorization', await auth(emptied))
      .expect(204);
    t.clock.set('2027-05-01T04:15:00Z');
    await runJob('sponsor-validation-enforce');
    expect(await userState(t.dataSource, withInvitee.id)).toEqual({
      status: 'locked',
      lock_reason: 'validation_overdue',
    });
    expect(await userState(t.dataSource, activeUser.id)).toEqual({
      status: 'locked',
      lock_reason: 'validation_overdue',
    });
    expect(await userState(t.dataSource, inviteeId)).toEqual({
      status: 'locked',
      lock_reason: 'validation_overdue',
    });

    const activate = await t
      .http()
      .post(`${api}/auth/activate`)
      .send({ token: activationToken, password: STRONG_PASSWORD });
    expect([activate.status, activate.body.code]).toEqual([400, 'invalid_token']);
    // The invitee who tried to activate during the lock stays locked.
    expect(await userState(t.dataSource, inviteeId)).toEqual({
      status: 'locked',
      lock_reason: 'validation_overdue',
    });
  });

  it('a sponsor whose validation lists nobody any more is not locked (and owes nothing)', async () => {
    expect(await userState(t.dataSource, emptied.id)).toEqual({ status: 'active', lock_reason: null });
    expect((await get(emptied, '/sponsorship/validation')).status).toBe(404);
    const history = await get(emptied, '/sponsorship/validations');
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({ period: '2027-04', status: 'completed' });
    expect((await notifications(t.dataSource, 'sponsor-locked')).map((n) => n.recipient)).not.toContain(
      emptied.email,
    );
  });

  it('staff see every sponsor’s validation of the current period, filtered by status', async () => {
    const all = await get(staff, '/staff/sponsor-validations');
    expect(all.status).toBe(200);
    const bySponsor = (id: string) =>
      all.body.items.find((i: { sponsor: { id: string } }) => i.sponsor.id === id);
    expect(bySponsor(withInvitee.id)).toMatchObject({
      period: '2027-04',
      dueAt: '2027-05-01T04:00:00.000Z',
      lastDay: '2027-04-30',
      status: 'overdue',
      userCount: 2,
      sponsor: {
        id: withInvitee.id,
        name: 'Ines Vite',
        email: withInvitee.email,
        status: 'locked',
        lockReason: 'validation_overdue',
      },
    });
    expect(bySponsor(emptied.id)).toMatchObject({ status: 'completed' });
    const overdue = (await get(staff, '/staff/sponsor-validations?status=overdue')).body.items;
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.every((i: { status: string }) => i.status === 'overdue')).toBe(true);
    expect(overdue.map((i: { sponsor: { id: string } }) => i.sponsor.id)).not.toContain(emptied.id);
    expect((await get(staff, '/staff/sponsor-validations?period=2026-10')).body.items).toEqual([]);
    expect((await get(staff, '/staff/sponsor-validations?period=2027-05')).body.code).toBe(
      'validation_failed',
    );
    expect((await get(staff, '/staff/sponsor-validations?status=late')).body.code).toBe('validation_failed');
    expect((await get(withInvitee, '/staff/sponsor-validations')).status).toBe(403);
  });

  it('completing with the invitee kept sends it back to invited; then it can activate', async () => {
    const v = (await get(withInvitee, '/sponsorship/validation')).body;
    await t
      .http()
      .post(`${api}/sponsorship/validation/${v.id}/complete`)
      .set('authorization', await auth(withInvitee))
      .send({
        decisions: [
          { userId: activeUser.id, keep: true },
          { userId: inviteeId, keep: true },
        ],
      })
      .expect(200);
    expect(await userState(t.dataSource, withInvitee.id)).toEqual({ status: 'active', lock_reason: null });
    expect(await userState(t.dataSource, activeUser.id)).toEqual({ status: 'active', lock_reason: null });
    expect(await userState(t.dataSource, inviteeId)).toEqual({ status: 'invited', lock_reason: null });
    // The first link has expired meanwhile (weeks went by): the team resends one, and it works.
    const seen = new Set(t.smtp.messages.map((m) => m.messageId));
    await t
      .http()
      .post(`${api}/staff/users/${inviteeId}/resend-link`)
      .set('authorization', await auth(staff))
      .expect(202);
    const fresh = await t.smtp.waitFor(
      (m) =>
        m.to.includes('invitee-v11@practice.example') &&
        !seen.has(m.messageId) &&
        m.text.includes('/activate?token='),
    );
    const activate = await t
      .http()
      .post(`${api}/auth/activate`)
      .send({ token: linkToken(fresh, 'activate'), password: STRONG_PASSWORD });
    expect(activate.status).toBe(200);
    expect(await userState(t.dataSource, inviteeId)).toEqual({ status: 'active', lock_reason: null });
  });

  it('GET /sponsorship/validations: the sponsor’s history and when the next period opens; 403 not_a_sponsor', async () => {
    const res = await get(withInvitee, '/sponsorship/validations');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nextCursor: null, nextPeriodOpensOn: '2027-10-01' });
    expect(res.body.items).toEqual([
      {
        id: expect.any(String),
        period: '2027-04',
        dueAt: '2027-05-01T04:00:00.000Z',
        lastDay: '2027-04-30',
        status: 'completed',
        completedAt: expect.any(String),
        userCount: 2,
      },
    ]);
    const provider = await createUser(t.app, 'provider');
    const refused = await get(provider, '/sponsorship/validations');
    expect([refused.status, refused.body.code]).toEqual([403, 'not_a_sponsor']);
  });
});
