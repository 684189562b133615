import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AccessGrantsRepository } from '../../src/modules/patient-access/access-grants.repository.js';
import type { GrantBasis } from '../../src/modules/patient-access/entities/access-grant.entity.js';
import { foldName } from '../../src/modules/patient-access/name-folding.js';
import { PatientsRepository } from '../../src/modules/patient-access/patients.repository.js';
import { PracticeRosterRepository } from '../../src/modules/patient-access/practice-roster.repository.js';
import type { TestContext } from '../support/test-app.js';

export const EHR_KEY = 'test-ehr-key-0123456789';

export interface EhrPatientBody {
  firstName: string;
  lastName: string;
  dob: string;
  pcpNpi?: string | null;
  hasPortalAccount: boolean;
  careTeamNpis: string[];
}

/** Feeds a patient through the EHR route (the real path) and returns its id. */
export async function feedPatient(
  t: TestContext,
  mrn: string,
  body: Partial<EhrPatientBody> = {},
): Promise<string> {
  const res = await t
    .http()
    .put(`/api/v1/integration/ehr/patients/${mrn}`)
    .set('x-api-key', EHR_KEY)
    .send({
      firstName: 'Avery',
      lastName: 'Lopez',
      dob: '2016-03-14',
      hasPortalAccount: false,
      careTeamNpis: [],
      ...body,
    });
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`feedPatient ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.patientId;
}

let docSeq = 0;
export function doc(
  overrides: Partial<{
    externalId: string;
    category: string;
    occurredAt: string;
    title: string;
    body: unknown;
    confidentiality: string;
  }> = {},
) {
  docSeq++;
  return {
    externalId: `DOC-${process.pid}-${docSeq}`,
    category: 'note',
    occurredAt: '2026-10-01T10:00:00-04:00',
    title: `Note ${docSeq}`,
    body: 'Seen for follow-up.',
    ...overrides,
  };
}

export interface PatientOverrides {
  mrn?: string;
  firstName?: string;
  lastName?: string;
  dob?: string;
  pcpNpi?: string | null;
  hasPortalAccount?: boolean;
  careTeamNpis?: string[];
}

export interface CreatedPatient {
  id: string;
  mrn: string;
  firstName: string;
  lastName: string;
  dob: string;
}

let patientSeq = 0;
const unique = () =>
  `${Date.now().toString(36)}${(++patientSeq).toString(36)}${randomBytes(2).toString('hex')}`;

/**
 * Creates a patient (and its care team) through patient-access's repository, as the EHR feed would
 * store it, without HTTP. `ds` is the test app's or module test's DataSource.
 */
export async function createPatient(
  ds: DataSource,
  overrides: PatientOverrides = {},
): Promise<CreatedPatient> {
  const repository = new PatientsRepository(ds);
  const firstName = overrides.firstName ?? 'Avery';
  const lastName = overrides.lastName ?? `Patient${unique()}`;
  const mrn = overrides.mrn ?? `MRN${unique()}`.slice(0, 32);
  const dob = overrides.dob ?? '2015-06-01';
  return ds.transaction(async (manager) => {
    const { id } = await repository.upsert(
      {
        mrn,
        firstName,
        lastName,
        searchFirstName: foldName(firstName),
        searchLastName: foldName(lastName),
        dob,
        pcpNpi: overrides.pcpNpi ?? null,
        hasPortalAccount: overrides.hasPortalAccount ?? false,
      },
      new Date(),
      manager,
    );
    if (overrides.careTeamNpis?.length)
      await repository.replaceCareTeam(id, [...new Set(overrides.careTeamNpis)], manager);
    return { id, mrn, firstName, lastName, dob };
  });
}

/** Adds an NPI to a practice's roster (through the repository). */
export async function addToRoster(ds: DataSource, practiceId: string, npi: string): Promise<void> {
  const outcome = await new PracticeRosterRepository(ds).add(practiceId, npi, null, new Date());
  if (outcome === 'no_practice') throw new Error(`addToRoster: no practice ${practiceId}`);
}

/**
 * Grants a user personal access to a patient (through the repository; not audited). Returns the
 * grant id. Made at `createdAt` (default now), lasting until `expiresAt` (default a year after it).
 */
export async function grantAccess(
  ds: DataSource,
  g: {
    userId: string;
    patientId: string;
    basis: GrantBasis;
    sourceId?: string | null;
    createdAt?: Date;
    expiresAt?: Date;
  },
): Promise<string> {
  const repository = new AccessGrantsRepository(ds);
  const grant = { userId: g.userId, patientId: g.patientId, basis: g.basis, sourceId: g.sourceId ?? null };
  const createdAt = g.createdAt ?? new Date();
  const expiresAt = g.expiresAt ?? new Date(createdAt.getTime() + 365 * 86_400_000);
  return (await repository.upsertActive(grant, createdAt, expiresAt)).id;
}
