import { DataSource } from 'typeorm';
import type { AuthUser } from '../../src/common/auth/principal.js';
import { hospitalDate } from '../../src/common/time/hospital-time.js';
import { AccessRequestsModule, AccessRequestsService } from '../../src/modules/access-requests/index.js';
import { IdentityModule } from '../../src/modules/identity/index.js';
import { AccessDecisionService } from '../../src/modules/patient-access/index.js';
import { InvitationsService, TokensModule } from '../../src/modules/tokens/index.js';
import { createInvitation, insertAccessRequest, notificationsTo } from '../factories/access-requests.js';
import { createUser } from '../factories/identity.js';
import { createPractice } from '../factories/index.js';
import { createPatient } from '../factories/patient-access.js';
import { createModuleTest, type ModuleTestContext } from '../support/module-test.js';

const DAY = 86_400_000;

/** Access requests and invitation tokens through their real services and repositories (no HTTP). */
describe('AccessRequestsModule and TokensModule (real services and repositories)', () => {
  let t: ModuleTestContext;
  let ds: DataSource;
  let decisions: AccessDecisionService;

  beforeAll(async () => {
    t = await createModuleTest({
      imports: [AccessRequestsModule, TokensModule, IdentityModule],
      init: false,
    });
    ds = t.dataSource;
    decisions = t.get(AccessDecisionService);
  });
  afterAll(() => t.close());

  const viewer = async (): Promise<AuthUser & { email: string }> => {
    const u = await createUser(t, 'provider', { practiceId: (await createPractice(ds)).id, password: null });
    return { id: u.id, kind: 'provider', email: u.email } as AuthUser & { email: string };
  };

  it('spends a token once: the first validation (by the recipient) grants basis token, the second is invalid_token', async () => {
    const user = await viewer();
    const patient = await createPatient(ds);
    const { token } = await createInvitation(ds, {
      patientId: patient.id,
      recipientEmail: user.email,
      createdAt: t.clock.now(),
    });
    const invitations = t.get(InvitationsService);

    await expect(invitations.validate(user, '203.0.113.7', token, patient.mrn)).resolves.toEqual({
      patientId: patient.id,
    });
    expect(await decisions.decide(user.id, patient.id)).toEqual({ allowed: true, basis: 'token' });

    const again = await viewer();
    await expect(invitations.validate(again, '203.0.113.8', token, patient.mrn)).rejects.toMatchObject({
      code: 'invalid_token',
    });
    expect((await decisions.decide(again.id, patient.id)).allowed).toBe(false);
  });

  it("refuses a good token with another patient's MRN", async () => {
    const user = await viewer();
    const [patient, other] = [await createPatient(ds), await createPatient(ds)];
    const { token } = await createInvitation(ds, {
      patientId: patient.id,
      recipientEmail: user.email,
      createdAt: t.clock.now(),
    });

    await expect(
      t.get(InvitationsService).validate(user, '203.0.113.9', token, other.mrn),
    ).rejects.toMatchObject({
      code: 'invalid_token',
    });
    expect((await decisions.decide(user.id, patient.id)).allowed).toBe(false);
  });

  it('approving a request grants approved_request access once; a second decision conflicts', async () => {
    const user = await viewer();
    const patient = await createPatient(ds, { hasPortalAccount: true });
    const requests = t.get(AccessRequestsService);

    const created = await requests.create(user, patient.id, 'follow-up');
    const decided = await requests.decide(created.id, 'approve', 'guardian-1');
    expect(decided).toMatchObject({ id: created.id, status: 'approved', grantId: expect.any(String) });
    expect(await decisions.decide(user.id, patient.id)).toEqual({ allowed: true, basis: 'approved_request' });
    await expect(requests.decide(created.id, 'deny', 'guardian-1')).rejects.toMatchObject({
      code: 'request_not_pending',
    });
    expect((await notificationsTo(ds, user.email, 'access-request-approved')).length).toBe(1);
  });

  it('expires lapsed requests in one run, tells each requester once, and a second run changes nothing', async () => {
    const [a, b] = [await viewer(), await viewer()];
    const patient = await createPatient(ds, { hasPortalAccount: true });
    const old = new Date(t.clock.now().getTime() - 31 * DAY);
    await insertAccessRequest(ds, { requesterId: a.id, patientId: patient.id, createdAt: old });
    await insertAccessRequest(ds, { requesterId: b.id, patientId: patient.id, createdAt: old });
    const requests = t.get(AccessRequestsService);
    const today = hospitalDate(t.clock.now());

    expect(await requests.expire(today)).toBe(2);
    expect(await requests.expire(today)).toBe(0);
    expect((await notificationsTo(ds, a.email, 'access-request-expired')).length).toBe(1);
    expect((await notificationsTo(ds, b.email, 'access-request-expired')).length).toBe(1);
    const mine = await requests.listMine(a.id, {});
    expect(mine.items.map((r) => r.status)).toEqual(['expired']);
  });
});
