import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { npiFromNineDigits } from '../../src/common/validation/npi.js';
import { foldName } from '../../src/modules/patient-access/name-folding.js';
import type { INestApplication } from '@nestjs/common';
import { SessionService } from '../../src/modules/identity/auth/session.service.js';
import { PasswordService } from '../../src/modules/identity/password.service.js';
import type { UserKind, UserStatus, LockReason, SponsoredRole } from '../../src/modules/identity/entities/user.entity.js';

let sequence = 0;
const next = () => `${Date.now().toString(36)}${(++sequence).toString(36)}${randomBytes(2).toString('hex')}`;

/** A valid NPI: 9 digits + the Luhn check digit computed with the 80840 prefix. */
export function makeNpi(base?: string): string {
  return npiFromNineDigits(base ?? String(100000000 + Math.floor(Math.random() * 899999999)).slice(0, 9));
}

export const TEST_PASSWORD = 'correct horse battery staple 42';

export interface PracticeRow {
  id: string;
  name: string;
}

export async function createPractice(ds: DataSource, overrides: Partial<{ name: string; city: string }> = {}): Promise<PracticeRow> {
  const name = overrides.name ?? `Practice ${next()}`;
  const [row] = await ds.query(
    `INSERT INTO practices (name, search_name, address, city, phone, fax)
     VALUES ($1::varchar, lower($1::varchar), '1 Main St', $2, '617-555-0100', '617-555-0101') RETURNING id, name`,
    [name, overrides.city ?? 'Boston'],
  );
  return row;
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
}

/** Inserts an account directly (bypassing registration) for tests of other capabilities. */
export async function createUser(app: INestApplication, kind: UserKind, overrides: UserOverrides = {}): Promise<UserRow> {
  const ds = app.get(DataSource);
  const id = next();
  let practiceId = overrides.practiceId;
  if (practiceId === undefined && kind === 'provider') practiceId = (await createPractice(ds)).id;
  const npi = overrides.npi !== undefined ? overrides.npi : kind === 'provider' ? makeNpi() : null;
  const password = overrides.password === undefined ? TEST_PASSWORD : overrides.password;
  const hash = password ? await app.get(PasswordService).hash(password) : null;
  const [row] = await ds.query(
    `INSERT INTO users (kind, email, password_hash, first_name, last_name, npi, practice_id, sponsor_id, sponsored_role,
                        is_sponsor, hospital_id, status, lock_reason, totp_secret, email_verified_at, approved_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14, now(), now())
     RETURNING id, email, kind, npi, practice_id AS "practiceId", sponsor_id AS "sponsorId", first_name AS "firstName", last_name AS "lastName"`,
    [
      kind,
      (overrides.email ?? `${kind}-${id}@example.test`).toLowerCase(),
      hash,
      overrides.firstName ?? 'Test',
      overrides.lastName ?? `User${id}`,
      npi,
      practiceId ?? null,
      overrides.sponsorId ?? null,
      overrides.sponsoredRole ?? (kind === 'sponsored' ? 'registered_nurse' : null),
      overrides.isSponsor ?? false,
      overrides.hospitalId ?? null,
      overrides.status ?? 'active',
      overrides.lockReason ?? null,
      overrides.totpSecret ?? null,
    ],
  );
  return row;
}

/** Opens a session for the user and returns a bearer access token (skips password and TOTP). */
export async function tokenFor(app: INestApplication, user: { id: string; kind: string }): Promise<string> {
  const ds = app.get(DataSource);
  const tokens = await app.get(SessionService).open(ds.manager, user, 'password_totp');
  return tokens.accessToken;
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

export async function createPatient(ds: DataSource, overrides: PatientOverrides = {}) {
  const firstName = overrides.firstName ?? 'Avery';
  const lastName = overrides.lastName ?? `Patient${next()}`;
  const [row] = await ds.query(
    `INSERT INTO patients (mrn, first_name, last_name, search_first_name, search_last_name, dob, pcp_npi, has_portal_account)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id, mrn, first_name AS "firstName", last_name AS "lastName", to_char(dob, 'YYYY-MM-DD') AS dob`,
    [
      overrides.mrn ?? `MRN${next()}`.slice(0, 32),
      firstName,
      lastName,
      foldName(firstName),
      foldName(lastName),
      overrides.dob ?? '2015-06-01',
      overrides.pcpNpi ?? null,
      overrides.hasPortalAccount ?? false,
    ],
  );
  for (const npi of overrides.careTeamNpis ?? []) {
    await ds.query('INSERT INTO care_team_members (patient_id, npi) VALUES ($1, $2)', [row.id, npi]);
  }
  return row as { id: string; mrn: string; firstName: string; lastName: string; dob: string };
}
