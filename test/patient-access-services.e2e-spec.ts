import { DataSource } from 'typeorm';
import { AccessDecisionService } from '../src/modules/patient-access/access-decision.service.js';
import { AccessGrantsService } from '../src/modules/patient-access/access-grants.service.js';
import { PatientsService } from '../src/modules/patient-access/patients.service.js';
import { createPatient, createPractice, createUser, makeNpi } from './factories/index.js';
import { createTestApp, type TestContext } from './support/test-app.js';

describe('patient-access services', () => {
  let t: TestContext;
  let decisions: AccessDecisionService;
  let grants: AccessGrantsService;
  let patients: PatientsService;
  let ds: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    decisions = t.app.get(AccessDecisionService);
    grants = t.app.get(AccessGrantsService);
    patients = t.app.get(PatientsService);
    ds = t.dataSource;
  });
  afterAll(() => t.close());

  it('grants idempotently while active, revokes once, and decide follows', async () => {
    const user = await createUser(t.app, 'provider');
    const patient = await createPatient(ds);
    expect(await decisions.decide(user.id, patient.id)).toEqual({ allowed: false, basis: null });
    const id1 = await ds.transaction((m) =>
      grants.grant(m, { userId: user.id, patientId: patient.id, basis: 'token', sourceId: null }),
    );
    const id2 = await ds.transaction((m) =>
      grants.grant(m, { userId: user.id, patientId: patient.id, basis: 'token', sourceId: null }),
    );
    expect(id2).toBe(id1);
    expect(await decisions.decide(user.id, patient.id)).toEqual({ allowed: true, basis: 'token' });
    expect(await ds.transaction((m) => grants.revoke(m, id1, user.id))).toBe(true);
    expect(await ds.transaction((m) => grants.revoke(m, id1, user.id))).toBe(false);
    expect(await decisions.decide(user.id, patient.id)).toEqual({ allowed: false, basis: null });
    const id3 = await ds.transaction((m) =>
      grants.grant(m, { userId: user.id, patientId: patient.id, basis: 'token', sourceId: null }),
    );
    expect(id3).not.toBe(id1);
    const audit = await ds.query(`SELECT action FROM audit_events WHERE patient_id = $1 ORDER BY id`, [
      patient.id,
    ]);
    expect(audit.map((r: { action: string }) => r.action)).toEqual([
      'access.grant',
      'access.revoke',
      'access.grant',
    ]);
  });

  it('follows PCP and care-team changes made through PatientsService on the next decision', async () => {
    const practice = await createPractice(ds);
    const doctor = await createUser(t.app, 'provider', { practiceId: practice.id });
    const colleague = await createUser(t.app, 'provider', { practiceId: practice.id });
    const nurse = await createUser(t.app, 'sponsored', { sponsorId: doctor.id, practiceId: practice.id });
    const outsider = await createUser(t.app, 'provider');
    const patient = await createPatient(ds, { hasPortalAccount: true });
    expect((await decisions.decide(colleague.id, patient.id)).allowed).toBe(false);
    await ds.transaction((m) => patients.setPcp(m, patient.id, doctor.npi!));
    expect(await decisions.decide(colleague.id, patient.id)).toEqual({
      allowed: true,
      basis: 'pcp_practice',
    });
    expect(await decisions.decide(nurse.id, patient.id)).toEqual({ allowed: true, basis: 'pcp_practice' });
    expect((await decisions.decide(outsider.id, patient.id)).allowed).toBe(false);
    await ds.transaction((m) =>
      patients.replaceCareTeam(m, patient.id, [outsider.npi!, outsider.npi!, makeNpi()]),
    );
    expect(await decisions.decide(outsider.id, patient.id)).toEqual({ allowed: true, basis: 'care_team' });
    await ds.transaction((m) => patients.replaceCareTeam(m, patient.id, []));
    expect((await decisions.decide(outsider.id, patient.id)).allowed).toBe(false);
    expect(await patients.findById(patient.id)).toEqual({
      id: patient.id,
      mrn: patient.mrn,
      hasPortalAccount: true,
      pcpNpi: doctor.npi,
    });
    expect(await patients.findByMrn(patient.mrn)).toEqual(await patients.findById(patient.id));
    expect(await patients.findById('not-a-uuid')).toBeNull();
    expect(await patients.findByMrn('NOPE')).toBeNull();
  });
});
