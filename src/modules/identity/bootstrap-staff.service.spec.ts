import type { AppConfig } from '../../config/app-config.js';
import { FixedClock } from '../../common/time/clock.js';
import { BootstrapStaffService } from './bootstrap-staff.service.js';
import type { PasswordService } from './password.service.js';
import type { UsersRepository } from './users.repository.js';

describe('BootstrapStaffService', () => {
  const inserted: unknown[] = [];
  const users = {
    existsByEmail: async () => false,
    insert: async (u: unknown) => (inserted.push(u), true),
  } as unknown as UsersRepository;
  const passwords = { hash: async (p: string) => `hash:${p}` } as unknown as PasswordService;
  const start = (password: string) =>
    new BootstrapStaffService(
      { bootstrapStaffEmail: 'team@childrens.example.org', bootstrapStaffPassword: password } as AppConfig,
      users,
      passwords,
      new FixedClock(new Date('2026-11-16T15:00:00Z')),
    ).onApplicationBootstrap();
  beforeEach(() => inserted.splice(0));

  it.each(['password1234', 'short', 'team-childrens-2026'])(
    'refuses to start with a bootstrap staff password the policy refuses (%s)',
    async (weak) => {
      await expect(start(weak)).rejects.toThrow(/BOOTSTRAP_STAFF_PASSWORD does not meet the password policy/);
      expect(inserted).toHaveLength(0);
    },
  );

  it('creates the account with a password that meets the policy', async () => {
    await start('velvet tractor nebula pickle 93');
    expect(inserted).toHaveLength(1);
  });
});
