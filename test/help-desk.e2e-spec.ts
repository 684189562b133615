import { createTestApp, type TestContext } from './support/test-app.js';
import { createUser, tokenFor } from './factories/index.js';
import { auditActions, lastNotification, notifications } from './factories/identity.js';
import { renderNotification } from './factories/sponsorship.js';

/** The help desk (API.md v1.1): signed-out requests, the requester's list, the staff queue and its life cycle. */
describe('help desk', () => {
  let t: TestContext;
  let staff: { id: string; token: string };
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-16T15:00:00Z' });
    const member = await createUser(t.app, 'staff', { roles: ['team'] });
    staff = { id: member.id, token: await tokenFor(t.app, member) };
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (path: string) => t.http().get(`/api/v1${path}`).set('authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) =>
      t.http().post(`/api/v1${path}`).set('authorization', `Bearer ${token}`).send(body),
  });
  const signedOut = (body: object, ip = '198.51.100.7') =>
    t.http().post('/api/v1/support-requests').set('x-forwarded-for', ip).send(body);
  let ipSeq = 10;
  const freshIp = () => `198.51.100.${ipSeq++}`;

  describe('POST /support-requests', () => {
    it('signed out: 201 {id, dueAt}, the same answer whether or not the email has an account, no acknowledgement email', async () => {
      const user = await createUser(t.app, 'provider');
      const before = (await notifications(t.dataSource)).length;
      const known = await signedOut(
        { email: user.email, name: 'Dr Someone', description: 'I get an error message when logging in.' },
        freshIp(),
      );
      const unknown = await signedOut(
        {
          email: 'nobody-here@example.test',
          name: 'Dr Nobody',
          description: 'I get an error message when logging in.',
        },
        freshIp(),
      );
      expect(known.status).toBe(201);
      expect(unknown.status).toBe(201);
      expect(Object.keys(known.body).sort()).toEqual(['dueAt', 'id']);
      expect(Object.keys(unknown.body).sort()).toEqual(['dueAt', 'id']);
      expect(known.body.dueAt).toBe(unknown.body.dueAt);
      const sent = (await notifications(t.dataSource)).slice(before);
      expect(sent.map((n) => n.template)).toEqual(['team-support-request', 'team-support-request']);
      // Signed out, the request is not tied to the account of that email.
      const [row] = await t.dataSource.query(
        'SELECT user_id, login_email, name FROM support_requests WHERE id = $1',
        [known.body.id],
      );
      expect(row).toEqual({ user_id: null, login_email: user.email, name: 'Dr Someone' });
    });

    it('the team email shows the due time in hospital time, not raw UTC', async () => {
      const res = await signedOut(
        { email: 'due-time@example.test', name: 'Pat Lee', description: 'Page is blank.' },
        freshIp(),
      );
      const mail = (await notifications(t.dataSource, { template: 'team-support-request' })).find(
        (n) => n.data.requestId === res.body.id,
      )!;
      expect(mail.data).toMatchObject({
        requestId: res.body.id,
        signedIn: false,
        dueAt: '2026-11-18 23:59 EST',
      });
      const rendered = renderNotification(mail);
      expect(rendered.text).toContain('2026-11-18 23:59 EST');
      expect(rendered.text).not.toContain('T04:59');
    });

    it('signed out: 400 validation_failed without email or name', async () => {
      const res = await signedOut({ description: 'help' }, freshIp());
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'name']);
      expect(
        (await signedOut({ email: 'not-an-email', name: 'x', description: 'help' }, freshIp())).body.code,
      ).toBe('validation_failed');
    });

    it('signed out: 429 past 5 requests an hour for one email (from any address)', async () => {
      const body = { email: 'Throttle.Me@example.test', name: 'T', description: 'again' };
      for (let i = 0; i < 5; i++) expect((await signedOut(body, freshIp())).status).toBe(201);
      const res = await signedOut({ ...body, email: 'throttle.me@example.test' }, freshIp());
      expect(res.status).toBe(429);
      expect(res.body.code).toBe('rate_limited');
      expect(res.headers['retry-after']).toBeDefined();
    });

    it('signed out: 429 past 20 requests an hour from one address', async () => {
      const ip = freshIp();
      for (let i = 0; i < 20; i++)
        expect(
          (await signedOut({ email: `many-${i}@example.test`, name: 'M', description: 'x' }, ip)).status,
        ).toBe(201);
      expect(
        (await signedOut({ email: 'many-20@example.test', name: 'M', description: 'x' }, ip)).status,
      ).toBe(429);
    });

    it('signed in: as v1, tied to the account; GET /support-requests lists the caller’s own with replies', async () => {
      const user = await createUser(t.app, 'provider');
      const token = await tokenFor(t.app, user);
      const created = await as(token).post('/support-requests', {
        description: 'The documents tab is empty.',
      });
      expect(created.status).toBe(201);
      const other = await createUser(t.app, 'provider');
      await as(await tokenFor(t.app, other)).post('/support-requests', { description: 'Someone else.' });
      const replied = await as(staff.token).post(`/staff/support-requests/${created.body.id}/replies`, {
        message: 'Fixed: reload the page.',
      });
      expect([replied.status, replied.body]).toEqual([201, { status: 'answered' }]);
      const mine = await as(token).get('/support-requests');
      expect(mine.status).toBe(200);
      expect(mine.body.nextCursor).toBeNull();
      expect(mine.body.items).toHaveLength(1);
      expect(mine.body.items[0]).toMatchObject({
        id: created.body.id,
        status: 'answered',
        dueAt: created.body.dueAt,
      });
      expect(mine.body.items[0].replies).toEqual([
        { at: expect.any(String), from: 'team', message: 'Fixed: reload the page.' },
      ]);
    });
  });

  describe('staff', () => {
    it('lists with status, overdue, signedIn and replies; filters by status and overdue', async () => {
      const user = await createUser(t.app, 'provider');
      const signedIn = await as(await tokenFor(t.app, user)).post('/support-requests', {
        description: 'Signed in one.',
      });
      const anon = await signedOut(
        { email: 'anon@example.test', name: 'Anon', description: 'Signed out one.' },
        freshIp(),
      );
      const list = await as(staff.token).get('/staff/support-requests');
      expect(list.status).toBe(200);
      const byId = (id: string) => list.body.items.find((i: { id: string }) => i.id === id);
      expect(byId(signedIn.body.id)).toMatchObject({
        status: 'open',
        overdue: false,
        signedIn: true,
        replies: [],
        userId: user.id,
      });
      expect(byId(anon.body.id)).toMatchObject({
        status: 'open',
        overdue: false,
        signedIn: false,
        userId: null,
        loginEmail: 'anon@example.test',
      });

      t.clock.set('2026-11-20T15:00:00Z');
      staff.token = await tokenFor(t.app, { id: staff.id, kind: 'staff' });
      await as(staff.token).post(`/staff/support-requests/${signedIn.body.id}/replies`, {
        message: 'On it.',
      });
      const overdue = (await as(staff.token).get('/staff/support-requests?overdue=true')).body.items.map(
        (i: { id: string }) => i.id,
      );
      expect(overdue).toContain(anon.body.id);
      expect(overdue).not.toContain(signedIn.body.id); // answered: never overdue
      const answered = (await as(staff.token).get('/staff/support-requests?status=answered')).body.items;
      expect(answered.map((i: { id: string }) => i.id)).toContain(signedIn.body.id);
      expect(
        answered.every((i: { status: string; overdue: boolean }) => i.status === 'answered' && !i.overdue),
      ).toBe(true);
      const notOverdue = (await as(staff.token).get('/staff/support-requests?overdue=false')).body.items.map(
        (i: { id: string }) => i.id,
      );
      expect(notOverdue).toContain(signedIn.body.id);
      expect(notOverdue).not.toContain(anon.body.id);
      expect((await as(staff.token).get('/staff/support-requests?status=pending')).body.code).toBe(
        'validation_failed',
      );
      t.clock.set('2026-11-16T15:00:00Z');
      staff.token = await tokenFor(t.app, { id: staff.id, kind: 'staff' });
    });

    it('GET /staff/support-requests/:id; 404 unknown', async () => {
      const anon = await signedOut(
        { email: 'detail@example.test', name: 'D', description: 'Detail please.' },
        freshIp(),
      );
      const res = await as(staff.token).get(`/staff/support-requests/${anon.body.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: anon.body.id,
        description: 'Detail please.',
        status: 'open',
        signedIn: false,
        replies: [],
      });
      expect(
        (await as(staff.token).get('/staff/support-requests/6f1f4d52-3f0e-4a55-9d39-0d7a3a8e6c11')).status,
      ).toBe(404);
      expect((await as(staff.token).get('/staff/support-requests/nope')).status).toBe(404);
    });

    it('a reply answers it and emails the requester the message verbatim; close:true closes; then 409 invalid_state', async () => {
      const anon = await signedOut(
        { email: 'reply-me@example.test', name: 'Robin Roe', description: 'Cannot log in.' },
        freshIp(),
      );
      const message = 'Your account was locked after 5 tries <b>&</b> is open again.\nTry now.';
      const first = await as(staff.token).post(`/staff/support-requests/${anon.body.id}/replies`, {
        message,
      });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ status: 'answered' });
      const mail = await lastNotification(t.dataSource, 'support-request-reply', 'reply-me@example.test');
      expect(mail.data).toMatchObject({ name: 'Robin Roe', message, closed: false });
      const delivered = await t.smtp.waitForTo('reply-me@example.test', 'Reply from the MyPatients team');
      expect(delivered.text).toContain(message);
      expect(delivered.html).toContain('&lt;b&gt;&amp;&lt;/b&gt;');

      const second = await as(staff.token).post(`/staff/support-requests/${anon.body.id}/replies`, {
        message: 'Closing this.',
        close: true,
      });
      expect(second.body).toEqual({ status: 'closed' });
      expect(
        (
          await notifications(t.dataSource, {
            template: 'support-request-reply',
            to: 'reply-me@example.test',
          })
        ).length,
      ).toBe(2);
      const detail = await as(staff.token).get(`/staff/support-requests/${anon.body.id}`);
      expect(detail.body.replies.map((r: { message: string }) => r.message)).toEqual([
        message,
        'Closing this.',
      ]);
      const again = await as(staff.token).post(`/staff/support-requests/${anon.body.id}/replies`, {
        message: 'More?',
      });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('invalid_state');
      expect(
        (await as(staff.token).post(`/staff/support-requests/${anon.body.id}/replies`, { message: '' })).body
          .code,
      ).toBe('validation_failed');
      expect((await auditActions(t.dataSource, staff.id)).map((a) => a.action)).toContain(
        'staff.support_reply',
      );
    });

    it('POST …/:id/close closes an open or answered request (no email); 409 invalid_state when closed; 404 unknown', async () => {
      const anon = await signedOut(
        { email: 'close-me@example.test', name: 'C', description: 'Never mind.' },
        freshIp(),
      );
      const res = await as(staff.token).post(`/staff/support-requests/${anon.body.id}/close`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'closed' });
      expect(
        await notifications(t.dataSource, { template: 'support-request-reply', to: 'close-me@example.test' }),
      ).toHaveLength(0);
      const again = await as(staff.token).post(`/staff/support-requests/${anon.body.id}/close`);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('invalid_state');
      expect(
        (await as(staff.token).post('/staff/support-requests/6f1f4d52-3f0e-4a55-9d39-0d7a3a8e6c11/close'))
          .status,
      ).toBe(404);
      // A closed request is not overdue, however late.
      t.clock.set('2026-12-30T15:00:00Z');
      staff.token = await tokenFor(t.app, { id: staff.id, kind: 'staff' });
      const item = (await as(staff.token).get(`/staff/support-requests/${anon.body.id}`)).body;
      expect(item.overdue).toBe(false);
      t.clock.set('2026-11-16T15:00:00Z');
      staff.token = await tokenFor(t.app, { id: staff.id, kind: 'staff' });
    });

    it('non-staff get 403 forbidden', async () => {
      const user = await createUser(t.app, 'provider');
      expect((await as(await tokenFor(t.app, user)).get('/staff/support-requests')).status).toBe(403);
    });
  });
});
