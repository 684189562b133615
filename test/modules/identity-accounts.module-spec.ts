import type { AuthUser } from '../../src/common/auth/principal.js';
import { IdentityModule } from '../../src/modules/identity/index.js';
import { AccountManagementRepository } from '../../src/modules/identity/account-management.repository.js';
import { PracticesRepository } from '../../src/modules/identity/practices.repository.js';
import { PracticesService } from '../../src/modules/identity/practices.service.js';
import {
  conflictFromUniqueViolation,
  RegistrationService,
} from '../../src/modules/identity/registration.service.js';
import { SupportRequestsRepository } from '../../src/modules/identity/support-requests.repository.js';
import { SupportRequestsService } from '../../src/modules/identity/support-requests.service.js';
import { SupportDeskService } from '../../src/modules/identity/support-desk.service.js';
import { makeNpi } from '../factories/index.js';
import { createUser, registrationBody } from '../factories/identity.js';
import { createModuleTest, type ModuleTestContext } from '../support/module-test.js';

/** Tuesday before Thanksgiving, 10:00 in Boston: two business days skip Thursday 26. */
const NOW = '2026-11-24T15:00:00Z';

describe('identity accounts (registration, support requests, practice directory; real repositories, no HTTP)', () => {
  let t: ModuleTestContext;

  beforeAll(async () => {
    t = await createModuleTest({ imports: [IdentityModule], now: NOW });
  });
  afterAll(() => t.close());

  const practice = (name: string) =>
    t.get(PracticesRepository).insert({
      name,
      address: '1 Main St, Boston, MA 02115',
      city: 'Boston',
      phone: '617-555-0100',
      fax: '617-555-0101',
      createdAt: t.clock.now(),
    });

  it('registration refuses a second account for an NPI with npi_taken, and a second for an email with email_taken', async () => {
    const registration = t.get(RegistrationService);
    const first = registrationBody();
    await expect(registration.register(first as never, '203.0.113.7')).resolves.toMatchObject({
      status: 'pending_email',
    });
    await expect(
      registration.register(registrationBody({ npi: first.npi }) as never, '203.0.113.7'),
    ).rejects.toMatchObject({
      code: 'npi_taken',
    });
    await expect(
      registration.register(registrationBody({ email: first.email }) as never, '203.0.113.7'),
    ).rejects.toMatchObject({
      code: 'email_taken',
    });
  });

  it('maps a unique violation of a users index (two registrations racing past the check) to its conflict code', async () => {
    const accounts = t.get(AccountManagementRepository);
    const practiceId = await practice(`Race Clinic ${Date.now()}`);
    const npi = makeNpi();
    const base = {
      firstName: 'Rae',
      lastName: 'Chen',
      npi,
      practiceId,
      passwordHash: 'x',
      now: t.clock.now(),
    };
    await accounts.insertPendingProvider({ ...base, email: `race-${npi}@example.test` });
    const error = await accounts
      .insertPendingProvider({ ...base, email: `race2-${npi}@example.test` })
      .catch((e: unknown) => e);
    expect(conflictFromUniqueViolation(error)).toMatchObject({ code: 'npi_taken' });
    const sameEmail = await accounts
      .insertPendingProvider({ ...base, npi: makeNpi(), email: `race-${npi}@example.test` })
      .catch((e: unknown) => e);
    expect(conflictFromUniqueViolation(sameEmail)).toMatchObject({ code: 'email_taken' });
  });

  it('stores a support request with its due date (end of the second business day in Boston) and lists it for staff', async () => {
    const row = await createUser(t, 'provider', { firstName: 'Sam', lastName: 'Ortiz' });
    const user: AuthUser = {
      id: row.id,
      sessionId: '00000000-0000-4000-8000-000000000000',
      kind: 'provider',
      status: 'active',
      lockReason: null,
      email: row.email,
      firstName: 'Sam',
      lastName: 'Ortiz',
      npi: row.npi,
      practiceId: row.practiceId,
      sponsorId: null,
      isSponsor: false,
      hospitalId: null,
    };
    const created = await t
      .get(SupportRequestsService)
      .create(user, { description: '  The token page does not load.  ' }, '203.0.113.9');
    expect(created.dueAt).toBe('2026-11-28T04:59:59.999Z');
    const stored = await t.get(SupportRequestsRepository).findById(created.id);
    expect(stored).toMatchObject({
      userId: row.id,
      loginEmail: row.email,
      name: 'Sam Ortiz',
      description: 'The token page does not load.',
      hasScreenshot: false,
      status: 'open',
      dueAt: new Date('2026-11-28T04:59:59.999Z'),
    });
    t.clock.set('2026-11-30T15:00:00Z');
    const page = await t.get(SupportDeskService).list(user, {});
    expect(page.items.find((i) => i.id === created.id)).toMatchObject({ overdue: true, screenshotUrl: null });
  });

  it('the practice directory finds names containing the term, those starting with it first', async () => {
    const tag = Date.now().toString(36);
    await practice(`North ${tag} Pediatrics`);
    await practice(`${tag} Family Medicine`);
    const found = await t.get(PracticesService).search(`  ${tag.toUpperCase()} `, 10, '203.0.113.8');
    expect(found.items.map((p) => p.name)).toEqual([`${tag} Family Medicine`, `North ${tag} Pediatrics`]);
    expect(found.nextCursor).toBeNull();
    await expect(t.get(PracticesService).search('a', 10, '203.0.113.8')).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });
});
