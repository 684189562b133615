import { jest } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import {
  AccountDirectoryService,
  AccountLifecycleService,
  ActionTokensService,
  IdentityModule,
  SessionService,
} from '../../src/modules/identity/index.js';
import { SessionsRepository } from '../../src/modules/identity/sessions.repository.js';
import { UsersRepository } from '../../src/modules/identity/users.repository.js';
import { createUser } from '../factories/identity.js';
import { createModuleTest, type ModuleTestContext } from '../support/module-test.js';

const NOW = '2026-11-16T15:00:00Z';

/** Counts the statements a call runs on the transaction's manager. */
async function statementsOf<T>(
  manager: EntityManager,
  fn: () => Promise<T>,
): Promise<{ result: T; statements: number }> {
  // The toolkit runs statements on the transaction's pg client (src/database/sql.ts): count there.
  const client = (
    manager.queryRunner as unknown as { databaseConnection: { query: (...args: unknown[]) => unknown } }
  ).databaseConnection;
  const spy = jest.spyOn(client, 'query');
  try {
    const result = await fn();
    return { result, statements: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

describe('identity module (real services and repositories, no HTTP)', () => {
  let t: ModuleTestContext;
  let lifecycle: AccountLifecycleService;
  let directory: AccountDirectoryService;

  beforeAll(async () => {
    t = await createModuleTest({ imports: [IdentityModule], now: NOW });
    lifecycle = t.get(AccountLifecycleService);
    directory = t.get(AccountDirectoryService);
  });
  afterAll(() => t.close());
  beforeEach(() => t.clock.set(NOW));

  it('deactivate ends every session of the account and voids its unused links', async () => {
    const sponsor = await createUser(t, 'provider', { isSponsor: true });
    const user = await createUser(t, 'sponsored', { sponsorId: sponsor.id, practiceId: sponsor.practiceId });
    const other = await createUser(t, 'provider');
    const sessions = t.get(SessionService);
    const tokens = t.get(ActionTokensService);
    const [mine, otherSession, link] = await t.dataSource.transaction(async (m) => {
      const a = await sessions.open(m, user, 'password_totp');
      const b = await sessions.open(m, other, 'password_totp');
      return [a, b, await tokens.issue(m, user.id, 'reset_password')] as const;
    });
    const sid = (jwt: string) =>
      JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()).sid as string;

    const changed = await t.dataSource.transaction((m) =>
      lifecycle.deactivate(m, user.id, { reason: 'deactivated' }),
    );
    expect(changed).toBe(true);

    const repo = t.get(SessionsRepository);
    expect(
      (await repo.findPrincipal(sid(mine.accessToken), user.id, t.clock.now()))?.revoked_at,
    ).toBeInstanceOf(Date);
    expect(
      (await repo.findPrincipal(sid(otherSession.accessToken), other.id, t.clock.now()))?.revoked_at,
    ).toBeNull();
    expect(await t.dataSource.transaction((m) => tokens.consume(m, link, 'reset_password'))).toBeNull();
    expect((await directory.findById(user.id))?.status).toBe('deactivated');
    // A second deactivation changes nothing.
    expect(
      await t.dataSource.transaction((m) => lifecycle.deactivate(m, user.id, { reason: 'deactivated' })),
    ).toBe(false);
  });

  it('lockForOverdueValidation locks the lockable accounts, invited ones included (v1.1), in one statement and returns them', async () => {
    const sponsor = await createUser(t, 'provider', { isSponsor: true });
    const base = { sponsorId: sponsor.id, practiceId: sponsor.practiceId };
    const active = await createUser(t, 'sponsored', base);
    const signInLocked = await createUser(t, 'sponsored', {
      ...base,
      status: 'locked',
      lockReason: 'failed_logins',
    });
    const invited = await createUser(t, 'sponsored', { ...base, status: 'invited', password: null });
    const deactivated = await createUser(t, 'sponsored', { ...base, status: 'deactivated' });
    const staffLocked = await createUser(t, 'sponsored', { ...base, status: 'locked', lockReason: 'staff' });
    const ids = [sponsor, active, signInLocked, invited, deactivated, staffLocked].map((u) => u.id);

    const { result, statements } = await t.dataSource.transaction((m) =>
      statementsOf(m, () => lifecycle.lockForOverdueValidation(m, ids)),
    );
    expect(statements).toBe(1);
    expect(result.map((u) => u.id).sort()).toEqual(
      [sponsor.id, active.id, signInLocked.id, invited.id].sort(),
    );
    expect(result.find((u) => u.id === active.id)).toEqual({
      id: active.id,
      email: active.email,
      firstName: active.firstName,
      lastName: active.lastName,
    });

    const after = new Map((await directory.findManyByIds(ids)).map((a) => [a.id, a]));
    for (const id of [sponsor.id, active.id, signInLocked.id, invited.id]) {
      expect(after.get(id)).toMatchObject({ status: 'locked', lockReason: 'validation_overdue' });
    }
    expect(after.get(deactivated.id)?.status).toBe('deactivated');
    expect(after.get(staffLocked.id)).toMatchObject({ status: 'locked', lockReason: 'staff' });
  });

  it('unlockValidationOverdue puts an account that never set a password back to invited, the others to active, in one statement', async () => {
    const sponsor = await createUser(t, 'provider', {
      isSponsor: true,
      status: 'locked',
      lockReason: 'validation_overdue',
    });
    const base = {
      sponsorId: sponsor.id,
      practiceId: sponsor.practiceId,
      status: 'locked' as const,
      lockReason: 'validation_overdue' as const,
    };
    const member = await createUser(t, 'sponsored', base);
    const neverActivated = await createUser(t, 'sponsored', { ...base, password: null });
    const ids = [sponsor.id, member.id, neverActivated.id];

    const { result, statements } = await t.dataSource.transaction((m) =>
      statementsOf(m, () => lifecycle.unlockValidationOverdue(m, ids)),
    );
    expect(statements).toBe(1);
    expect(result).toHaveLength(3);
    const after = new Map((await directory.findManyByIds(ids)).map((a) => [a.id, a]));
    expect(after.get(sponsor.id)).toMatchObject({ status: 'active', lockReason: null });
    expect(after.get(member.id)).toMatchObject({ status: 'active', lockReason: null });
    expect(after.get(neverActivated.id)).toMatchObject({ status: 'invited', lockReason: null });
  });

  it("the directory gives a sponsored user their sponsor's practice while the sponsor is a member, and an expired sign-in lock as active", async () => {
    const sponsor = await createUser(t, 'provider', { isSponsor: true });
    const user = await createUser(t, 'sponsored', { sponsorId: sponsor.id, practiceId: sponsor.practiceId });
    expect(await directory.findById(user.id)).toMatchObject({
      practiceId: sponsor.practiceId,
      ownPracticeId: sponsor.practiceId,
      sponsorId: sponsor.id,
    });
    expect((await directory.listSponsoredUsers(sponsor.id)).map((a) => a.id)).toEqual([user.id]);

    await t.dataSource.transaction((m) => lifecycle.deactivate(m, sponsor.id, { reason: 'deactivated' }));
    expect(await directory.findById(user.id)).toMatchObject({
      practiceId: null,
      practiceName: null,
      ownPracticeId: sponsor.practiceId,
    });

    await t
      .get(UsersRepository)
      .lockForFailedLogins(user.id, 5, new Date(t.clock.now().getTime() + 60_000), t.clock.now());
    expect(await directory.findById(user.id)).toMatchObject({
      status: 'locked',
      lockReason: 'failed_logins',
    });
    t.clock.advance(60_000);
    expect(await directory.findById(user.id)).toMatchObject({ status: 'active', lockReason: null });
  });
});
