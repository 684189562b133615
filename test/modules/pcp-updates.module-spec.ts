import type { INestApplication } from '@nestjs/common';
import type { AuthUser } from '../../src/common/auth/principal.js';
import {
  AccessDecisionService,
  EhrPcpChangesService,
  PatientsService,
} from '../../src/modules/patient-access/index.js';
import {
  PcpAccessRequestsService,
  PcpUpdateCommandsService,
  PcpUpdateOverdueService,
  PcpUpdateQueueService,
  PcpUpdatesModule,
} from '../../src/modules/pcp-updates/index.js';
import { createPatient, createUser, type UserRow } from '../factories/index.js';
import { createPcpUpdateRequest } from '../factories/pcp-updates.js';
import { createModuleTest, type ModuleTestContext } from '../support/module-test.js';

// Monday 2026-11-16 10:00 EST.
const MONDAY = '2026-11-16T15:00:00Z';

/** The caller as the auth guard would hand it to the commands. */
const asCaller = (u: UserRow): AuthUser => ({
  id: u.id,
  sessionId: '00000000-0000-4000-8000-000000000000',
  kind: u.kind,
  status: 'active',
  lockReason: null,
  email: u.email,
  firstName: u.firstName,
  lastName: u.lastName,
  npi: u.npi,
  practiceId: u.practiceId,
  sponsorId: u.sponsorId,
  isSponsor: false,
  hospitalId: null,
});

describe('PCP updates module (real services and repositories, no HTTP)', () => {
  let t: ModuleTestContext;
  let app: INestApplication;
  let staff: AuthUser;
  let commands: PcpUpdateCommandsService;

  beforeAll(async () => {
    t = await createModuleTest({ imports: [PcpUpdatesModule], now: MONDAY });
    // The shared user factory is typed for an application; it only looks services up by class.
    app = t.moduleRef as unknown as INestApplication;
    staff = asCaller(await createUser(app, 'staff'));
    commands = t.get(PcpUpdateCommandsService);
  });
  afterAll(() => t.close());
  beforeEach(() => t.clock.set(MONDAY));

  it("completing a claimed, confirmed request makes the requester's NPI the patient's PCP, so access follows", async () => {
    const provider = await createUser(app, 'provider');
    const patient = await createPatient(t.dataSource);
    const decisions = t.get(AccessDecisionService);
    expect((await decisions.decide(provider.id, patient.id)).allowed).toBe(false);
    const { id } = await createPcpUpdateRequest(app, provider, patient.id);

    await expect(commands.complete(staff, id)).rejects.toMatchObject({ code: 'not_claimed' });
    expect(await commands.claim(staff, id)).toEqual({ id, status: 'in_progress', assigneeId: staff.id });
    await expect(commands.complete(staff, id)).rejects.toMatchObject({ code: 'confirmation_required' });
    t.clock.advance(60 * 60_000);
    const detail = await commands.recordConfirmation(staff, id, {
      confirmedByName: 'Jordan Rivera',
      relationship: 'parent',
      method: 'phone',
      confirmedAt: new Date(t.clock.now().getTime() - 5 * 60_000).toISOString(),
    });
    expect(detail.confirmation).toMatchObject({
      confirmedByName: 'Jordan Rivera',
      method: 'phone',
      recordedBy: staff.id,
    });

    expect(await commands.complete(staff, id)).toEqual({
      id,
      status: 'completed',
      assigneeId: staff.id,
      pcpNpi: provider.npi,
    });
    expect((await t.get(PatientsService).findById(patient.id))?.pcpNpi).toBe(provider.npi);
    expect(await decisions.decide(provider.id, patient.id)).toEqual({ allowed: true, basis: 'pcp_practice' });

    const shown = await t.get(PcpUpdateQueueService).detail(id);
    expect(shown).toMatchObject({
      status: 'completed',
      appliedPcpNpi: provider.npi,
      previousPcpNpi: null,
      closedBy: staff.id,
    });
    expect(shown.patient).toEqual({
      id: patient.id,
      mrn: patient.mrn,
      firstName: patient.firstName,
      lastName: patient.lastName,
      pcpNpi: provider.npi,
    });
    expect(shown.requester.practice).toEqual({ id: provider.practiceId, name: expect.any(String) });
    expect(shown.history.map((h) => h.type)).toEqual([
      'created',
      'claimed',
      'confirmation_recorded',
      'completed',
    ]);
    // A closed request takes no more transitions.
    await expect(commands.reject(staff, id, 'late')).rejects.toMatchObject({ code: 'invalid_transition' });
  });

  it('a completion records the PCP change for the EHR (held until acknowledged); a requester withdraws their own request only', async () => {
    const provider = await createUser(app, 'provider');
    const patient = await createPatient(t.dataSource);
    const { id } = await createPcpUpdateRequest(app, provider, patient.id);
    await commands.claim(staff, id);
    await commands.recordConfirmation(staff, id, {
      confirmedByName: 'Jordan Rivera',
      relationship: 'other',
      relationshipOther: 'Aunt',
      method: 'video',
      confirmedAt: t.clock.now().toISOString(),
    });
    await commands.complete(staff, id);
    const ledger = t.get(EhrPcpChangesService);
    expect(await ledger.isPcpHeld(patient.id)).toBe(true);
    const [change] = await ledger.forRequests([id]);
    expect(change).toEqual({ id: expect.any(String), requestId: id, acknowledgedAt: null });
    await ledger.acknowledge(change.id);
    expect(await ledger.isPcpHeld(patient.id)).toBe(false);
    expect((await t.get(PcpUpdateQueueService).detail(id)).ehrAcknowledgedAt).toBe(
      t.clock.now().toISOString(),
    );

    const mine = t.get(PcpAccessRequestsService);
    t.clock.advance(60_000); // newest first: the next request is the later one
    const other = await createPcpUpdateRequest(app, provider, (await createPatient(t.dataSource)).id);
    await expect(mine.withdraw(asCaller(await createUser(app, 'provider')), other.id)).rejects.toMatchObject({
      code: 'not_found',
    });
    await mine.withdraw(asCaller(provider), other.id);
    await expect(mine.withdraw(asCaller(provider), other.id)).rejects.toMatchObject({
      code: 'request_not_pending',
    });
    const listed = await mine.list(asCaller(provider), {});
    expect(listed.items.map((i) => [i.id, i.status, i.outcome])).toEqual([
      [other.id, 'withdrawn', undefined],
      [id, 'completed', 'pcp_set'],
    ]);
  });

  it('the overdue digest counts the requests still active past due, once per date', async () => {
    const overdue = t.get(PcpUpdateOverdueService);
    const provider = await createUser(app, 'provider');
    const late = await createPcpUpdateRequest(app, provider, (await createPatient(t.dataSource)).id); // due Thu 19
    const closed = await createPcpUpdateRequest(app, provider, (await createPatient(t.dataSource)).id);
    await commands.reject(staff, closed.id, 'Duplicate');
    expect(late.dueAt.toISOString()).toBe('2026-11-20T04:59:59.999Z');

    expect(await overdue.sendOverdueDigest('2026-11-19')).toBe(0); // due that day: not late yet
    // The other tests' requests are closed and this test's rejected one too: only `late` counts.
    expect(await overdue.sendOverdueDigest('2026-11-23')).toBe(1);
    expect(await overdue.sendOverdueDigest('2026-11-23')).toBe(0); // one digest per date
  });
});
