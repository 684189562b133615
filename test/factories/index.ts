import type { Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { npiFromNineDigits } from '../../src/common/validation/npi.js';
import type { LockReason, SponsoredRole, UserKind, UserStatus } from '../../src/modules/identity/index.js';
import { PracticesRepository } from '../../src/modules/identity/practices.repository.js';
import {
  createPatient as createPatientRow,
  type CreatedPatient,
  type PatientOverrides,
} from './patient-access.js';

/**
 * Test factories: one signature, `factory(target, …, overrides?)`.
 *
 * `target` is what the test has: the e2e app (`t.app`), a module test (`t` from createModuleTest),
 * or the DataSource (`t.dataSource`) for factories that need nothing but repositories. Rows are
 * created through the owning module's repositories or services, never by raw INSERTs; each module's
 * factories live in `test/factories/<module>.ts` (written by that module's owner), and the common
 * ones are re-exported here.
 */
export type Container = { get<T>(token: Type<T>, options?: { strict?: boolean }): T };
export type FactoryTarget = Container | DataSource;

const isContainer = (target: FactoryTarget): target is Container =>
  typeof (target as Partial<Container>).get === 'function';

/** The DataSource behind a factory target. */
export function dataSourceOf(target: FactoryTarget): DataSource {
  return isContainer(target) ? target.get(DataSource, { strict: false }) : target;
}

/** A repository (constructor takes the DataSource) from the container, or built on the DataSource. */
export function repositoryOf<T>(target: FactoryTarget, repository: new (dataSource: DataSource) => T): T {
  return isContainer(target) ? target.get(repository as Type<T>, { strict: false }) : new repository(target);
}

/** A provider of the container (services: a DataSource alone has none). */
export function serviceOf<T>(target: Container, token: Type<T>): T {
  return target.get(token, { strict: false });
}

let sequence = 0;
/** A tag unique within the run (time, sequence, randomness): for names, emails, MRNs. */
export const uniqueTag = () =>
  `${Date.now().toString(36)}${(++sequence).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A valid NPI: 9 digits + the Luhn check digit computed with the 80840 prefix. */
export function makeNpi(base?: string): string {
  return npiFromNineDigits(base ?? String(100000000 + Math.floor(Math.random() * 899999999)).slice(0, 9));
}

export const TEST_PASSWORD = 'correct horse battery staple 42';

export interface PracticeRow {
  id: string;
  name: string;
}

/** A practice, through identity's PracticesRepository. */
export async function createPractice(
  target: FactoryTarget,
  overrides: Partial<{ name: string; city: string }> = {},
): Promise<PracticeRow> {
  const name = overrides.name ?? `Practice ${uniqueTag()}`;
  const id = await repositoryOf(target, PracticesRepository).insert({
    name,
    address: '1 Main St',
    city: overrides.city ?? 'Boston',
    phone: '617-555-0100',
    fax: '617-555-0101',
    // Wall-clock time, as the column default was: practices created in one test keep their order.
    createdAt: new Date(),
  });
  return { id, name };
}

export interface UserRow {
  id: string;
  email: string;
  kind: UserKind;
  npi: string | null;
  practiceId: string | null;
  sponsorId: string | null;
  firstName: string;
  lastName: string;
}

export interface UserOverrides {
  email?: string;
  npi?: string | null;
  practiceId?: string | null;
  sponsorId?: string | null;
  status?: UserStatus;
  lockReason?: LockReason | null;
  isSponsor?: boolean;
  hospitalId?: string | null;
  sponsoredRole?: SponsoredRole | null;
  firstName?: string;
  lastName?: string;
  password?: string | null;
  totpSecret?: string | null;
  /** Staff roles (default `team` for staff). */
  roles?: Array<'team' | 'privacy' | 'admin'>;
  /** Creation time (default: the wall clock). */
  createdAt?: Date;
}

/** An account (bypassing registration) and a bearer token for it: identity's factories. */
export { createUser, tokenFor } from './identity.js';

export type { CreatedPatient, PatientOverrides };

/** A patient and its care team, through patient-access's repository. */
export function createPatient(
  target: FactoryTarget,
  overrides: PatientOverrides = {},
): Promise<CreatedPatient> {
  return createPatientRow(dataSourceOf(target), overrides);
}
