import { DataSource } from 'typeorm';
import { AuditModule } from '../../src/modules/audit/index.js';
import { IdentityModule } from '../../src/modules/identity/index.js';
import { UsersRepository } from '../../src/modules/identity/users.repository.js';
import { AccessDecisionService, PatientAccessModule } from '../../src/modules/patient-access/index.js';
import { PatientRecordsService } from '../../src/modules/patient-access/patient-records.service.js';
import { PracticeRosterService } from '../../src/modules/patient-access/practice-roster.service.js';
import { createUser } from '../factories/identity.js';
import { createPractice, makeNpi } from '../factories/index.js';
import { addToRoster, createPatient, grantAccess } from '../factories/patient-access.js';
import { createModuleTest, type ModuleTestContext } from '../support/module-test.js';

/** The access decision and the record reads through the real repositories, on a database of their own. */
describe('PatientAccessModule (real services and repositories)', () => {
  let t: ModuleTestContext;
  let ds: DataSource;
  let decisions: AccessDecisionService;

  beforeAll(async () => {
    t = await createModuleTest({ imports: [PatientAccessModule, IdentityModule, AuditModule] });
    ds = t.dataSource;
    decisions = t.get(AccessDecisionService);
  });
  afterAll(() => t.close());

  const provider = async (practiceId: string) => createUser(t, 'provider', { practiceId, password: null });

  it("denies a provider of another practice and grants pcp_practice to one of the PCP's practice", async () => {
    const [ours, theirs] = [await createPractice(ds), await createPractice(ds)];
    const pcp = await provider(ours.id);
    const colleague = await provider(ours.id);
    const stranger = await provider(theirs.id);
    const patient = await createPatient(ds, { pcpNpi: pcp.npi });

    expect(await decisions.decide(colleague.id, patient.id)).toEqual({
      allowed: true,
      basis: 'pcp_practice',
    });
    expect(await decisions.decide(stranger.id, patient.id)).toEqual({ allowed: false, basis: null });
    const many = await decisions.decideMany(stranger.id, [patient.id, 'not-a-uuid']);
    expect([...many.values()]).toEqual([
      { allowed: false, basis: null },
      { allowed: false, basis: null },
    ]);
  });

  it("lets a sponsored user follow the sponsor's practice, including its roster NPIs", async () => {
    const practice = await createPractice(ds);
    const sponsor = await createUser(t, 'provider', {
      practiceId: practice.id,
      isSponsor: true,
      password: null,
    });
    const nurse = await createUser(t, 'sponsored', { sponsorId: sponsor.id, password: null });
    const rosterNpi = makeNpi();
    await addToRoster(ds, practice.id, rosterNpi);
    const patient = await createPatient(ds, { pcpNpi: rosterNpi });

    expect(await decisions.decide(nurse.id, patient.id)).toEqual({ allowed: true, basis: 'pcp_practice' });
  });

  it('counts an expired failed-sign-in lock as active and a running one as not', async () => {
    const viewer = await provider((await createPractice(ds)).id);
    const patient = await createPatient(ds);
    await grantAccess(ds, { userId: viewer.id, patientId: patient.id, basis: 'token' });
    const lockedUntil = new Date(t.clock.now().getTime() + 15 * 60_000);
    await t.get(UsersRepository).lockForFailedLogins(viewer.id, 5, lockedUntil, t.clock.now());

    expect((await decisions.decide(viewer.id, patient.id)).basis).toBeNull();
    t.clock.set(lockedUntil);
    expect((await decisions.decide(viewer.id, patient.id)).basis).toBe('token');
  });

  it('answers a summary with the PCP and care team named from the account directory', async () => {
    const practice = await createPractice(ds);
    const pcp = await createUser(t, 'provider', {
      practiceId: practice.id,
      firstName: 'Rosa',
      lastName: 'Diaz',
      password: null,
    });
    const unknownNpi = makeNpi();
    const patient = await createPatient(ds, { pcpNpi: pcp.npi, careTeamNpis: [unknownNpi] });
    const viewer = { id: pcp.id, kind: 'provider' } as Parameters<PatientRecordsService['summary']>[0];

    const summary = await t.get(PatientRecordsService).summary(viewer, patient.id);
    expect(summary).toMatchObject({
      patientId: patient.id,
      pcp: { npi: pcp.npi, name: 'Rosa Diaz' },
      careTeam: [{ npi: unknownNpi, name: null }],
      basis: 'pcp_practice',
    });
  });

  it('refuses a roster entry for a practice that does not exist (the foreign key decides)', async () => {
    const staff = { id: (await createUser(t, 'staff', { password: null })).id, kind: 'staff' } as Parameters<
      PracticeRosterService['add']
    >[0];
    await expect(
      t.get(PracticeRosterService).add(staff, '00000000-0000-4000-8000-00000000dead', makeNpi()),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    const practice = await createPractice(ds);
    const npi = makeNpi();
    await expect(t.get(PracticeRosterService).add(staff, practice.id, npi)).resolves.toEqual({
      practiceId: practice.id,
      npi,
      added: true,
    });
    await expect(t.get(PracticeRosterService).add(staff, practice.id, npi)).resolves.toEqual({
      practiceId: practice.id,
      npi,
      added: false,
    });
  });
});
