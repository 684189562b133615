import type { AuthUser } from '../../src/common/auth/principal.js';
import {
  AccountDirectoryService,
  ActionTokensService,
  SessionService,
} from '../../src/modules/identity/index.js';
import { SponsorshipModule } from '../../src/modules/sponsorship/index.js';
import { ValidationJobsService } from '../../src/modules/sponsorship/validation-jobs.service.js';
import { ValidationService } from '../../src/modules/sponsorship/validation.service.js';
import { notifications, seedSponsors } from '../factories/sponsorship.js';
import { createModuleTest, type ModuleTestContext } from '../support/module-test.js';

/**
 * Sponsorship with the real identity, notifications, audit and jobs services behind it, no HTTP:
 * the validation jobs and the sponsor's completion change accounts only through identity's
 * AccountLifecycleService and email only through NotificationsService.
 */
describe('sponsorship module: the validation through the real services', () => {
  let t: ModuleTestContext;
  let directory: AccountDirectoryService;
  let jobs: ValidationJobsService;

  const lockStates = async (ids: string[]) =>
    (await directory.findManyByIds(ids))
      .map((a) => ({ id: a.id, status: a.status, lockReason: a.lockReason }))
      .sort((a, b) => a.id.localeCompare(b.id));
  const asCaller = async (id: string): Promise<AuthUser> => {
    const a = (await directory.findById(id))!;
    return {
      id: a.id,
      sessionId: '00000000-0000-4000-8000-000000000000',
      kind: a.kind,
      status: a.status,
      lockReason: a.lockReason,
      email: a.email,
      firstName: a.firstName,
      lastName: a.lastName,
      npi: a.npi,
      practiceId: a.practiceId,
      sponsorId: a.sponsorId,
      isSponsor: a.isSponsor,
      hospitalId: a.hospitalId,
    };
  };

  beforeAll(async () => {
    t = await createModuleTest({ imports: [SponsorshipModule], now: '2027-04-01T12:00:00Z' });
    directory = t.get(AccountDirectoryService);
    jobs = t.get(ValidationJobsService);
  });
  afterAll(() => t.close());

  it('enforcing overdue validations locks each sponsor and their users, emails each once, in batches; a re-run changes nothing', async () => {
    const sponsorIds = await seedSponsors(t.dataSource, 5, 2);
    jobs.batchSize = 2; // three batches
    expect(await jobs.open('2027-04-01')).toBe(5);
    expect(await jobs.enforce('2027-04-30')).toBe(0); // not due yet

    expect(await jobs.enforce('2027-05-01')).toBe(5);
    expect(await jobs.enforce('2027-05-01')).toBe(0);

    const memberIds = (await Promise.all(sponsorIds.map((id) => directory.listSponsoredUsers(id))))
      .flat()
      .map((u) => u.id);
    expect(memberIds).toHaveLength(10);
    for (const state of await lockStates([...sponsorIds, ...memberIds])) {
      expect(state).toMatchObject({ status: 'locked', lockReason: 'validation_overdue' });
    }
    const sponsorMails = await notifications(t.dataSource, 'sponsor-locked');
    expect(sponsorMails).toHaveLength(5);
    const userMails = await notifications(t.dataSource, 'sponsored-user-locked');
    expect(userMails).toHaveLength(10);
    expect(userMails[0].data).toEqual({
      firstName: 'Member',
      lastName: expect.stringMatching(/^M\d$/),
      sponsorName: expect.stringMatching(/^Sponsor N\d$/),
    });
  });

  it('completing the overdue validation unlocks the sponsor and kept users; a removed user is deactivated, signed out and their links stop working', async () => {
    const [sponsorId] = await seedSponsors(t.dataSource, 1, 2);
    jobs.batchSize = 5000;
    await jobs.open('2027-04-02');
    await jobs.enforce('2027-05-02');
    const [kept, removed] = await directory.listSponsoredUsers(sponsorId);
    expect((await lockStates([sponsorId, kept.id, removed.id])).map((s) => s.status)).toEqual([
      'locked',
      'locked',
      'locked',
    ]);

    // The removed user still holds a session and an unused emailed link.
    const link = await t.dataSource.transaction((m) =>
      t.get(ActionTokensService).issue(m, removed.id, 'reset_password'),
    );
    await t.dataSource.transaction((m) =>
      t.get(SessionService).open(m, { id: removed.id, kind: 'sponsored' }, 'password_totp'),
    );

    const validations = t.get(ValidationService);
    const caller = await asCaller(sponsorId);
    const open = await validations.current(caller);
    expect(open.status).toBe('overdue');
    expect(
      await validations.complete(caller, open.id, [
        { userId: kept.id, keep: true },
        { userId: removed.id, keep: false },
      ]),
    ).toEqual({
      status: 'completed',
    });

    expect(await lockStates([sponsorId])).toEqual([{ id: sponsorId, status: 'active', lockReason: null }]);
    expect(await directory.findById(kept.id)).toMatchObject({ status: 'active', lockReason: null });
    expect(await directory.findById(removed.id)).toMatchObject({ status: 'deactivated', lockReason: null });
    const sessions: Array<{ revoked_at: Date | null }> = await t.dataSource.query(
      'SELECT revoked_at FROM sessions WHERE user_id = $1',
      [removed.id],
    );
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => s.revoked_at !== null)).toBe(true);
    expect(
      await t.dataSource.transaction((m) => t.get(ActionTokensService).consume(m, link, 'reset_password')),
    ).toBeNull();

    const sponsor = await directory.findById(sponsorId);
    expect((await notifications(t.dataSource, 'sponsor-unlocked')).map((n) => n.recipient)).toEqual([
      sponsor!.email,
    ]);
    expect((await notifications(t.dataSource, 'sponsored-user-unlocked')).map((n) => n.recipient)).toEqual([
      kept.email,
    ]);
    expect((await notifications(t.dataSource, 'sponsored-user-deactivated')).map((n) => n.recipient)).toEqual(
      [removed.email],
    );
  });
});
