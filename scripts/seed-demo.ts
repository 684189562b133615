import 'reflect-metadata';
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../src/common/time/clock.js';
import { npiFromNineDigits as npi } from '../src/common/validation/npi.js';
import { loadConfig } from '../src/config/app-config.js';
import { ConfigModule } from '../src/config/config.module.js';
import { DatabaseModule } from '../src/database/database.module.js';
import { prepareDatabase } from '../src/database/prepare-database.js';
import { AuditModule, AuditService } from '../src/modules/audit/index.js';
import type { SponsoredRole, UserKind } from '../src/modules/identity/index.js';
import { PasswordService } from '../src/modules/identity/password.service.js';
import { PracticesRepository } from '../src/modules/identity/practices.repository.js';
import { UsersRepository } from '../src/modules/identity/users.repository.js';
import {
  ClinicalDocumentsRepository,
  type DocumentInput,
} from '../src/modules/patient-access/clinical-documents.repository.js';
import { foldName, Patient } from '../src/modules/patient-access/index.js';
import { PatientsRepository } from '../src/modules/patient-access/patients.repository.js';
import { PracticeRosterRepository } from '../src/modules/patient-access/practice-roster.repository.js';

/**
 * `npm run seed:demo`: fills an EMPTY database with a believable demo world — one pediatric
 * practice with two providers (one a sponsor), a sponsored nurse, a second practice, roster
 * entries, patients with PCPs, care teams and documents of every category — and prints how to
 * sign in. Refuses when the database already has patients. Migrates first.
 *
 * The rows are written by the application's own repositories (and the audit entry by AuditService,
 * so the hash chain stays whole) in one transaction, in a Nest application context of just the
 * database and those providers: no HTTP server, no Redis, no queues.
 */
/** The clock, as CommonModule provides it to the application (CommonModule itself would need Redis). */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
class SeedClockModule {}

@Module({
  imports: [ConfigModule, SeedClockModule, DatabaseModule, AuditModule],
  providers: [
    PasswordService,
    PracticesRepository,
    UsersRepository,
    PatientsRepository,
    PracticeRosterRepository,
    ClinicalDocumentsRepository,
  ],
})
class SeedModule {}

const CHEN = { npi: npi('150000001'), email: 'dr.chen@riverside-peds.example' };
const PATEL = { npi: npi('150000002'), email: 'dr.patel@riverside-peds.example' };
const OKAFOR = { npi: npi('150000003'), email: 'dr.okafor@harbor-family.example' };
const NURSE_EMAIL = 'nurse.brooks@riverside-peds.example';
/** A part-time physician on Riverside's roster, without an account. */
const ROSTER_ONLY = npi('150000004');
/** A hospital cardiologist, care-team member only. */
const SPECIALIST = npi('150000005');

const PATIENTS = [
  {
    mrn: 'CH1000001',
    first: 'Zoë',
    last: 'Martínez',
    dob: '2016-03-14',
    pcp: CHEN.npi,
    team: [SPECIALIST],
    portal: true,
  },
  {
    mrn: 'CH1000002',
    first: 'Liam',
    last: "O'Connor",
    dob: '2019-08-02',
    pcp: PATEL.npi,
    team: [],
    portal: false,
  },
  {
    mrn: 'CH1000003',
    first: 'Amara',
    last: 'Nwosu',
    dob: '2012-11-23',
    pcp: ROSTER_ONLY,
    team: [CHEN.npi],
    portal: true,
  },
  {
    mrn: 'CH1000004',
    first: 'Noah',
    last: 'Lefèvre',
    dob: '2021-01-30',
    pcp: OKAFOR.npi,
    team: [SPECIALIST, CHEN.npi],
    portal: true,
  },
  {
    mrn: 'CH1000005',
    first: 'Sofia',
    last: 'Rossi',
    dob: '2014-06-09',
    pcp: OKAFOR.npi,
    team: [],
    portal: false,
  },
];

function documentsOf(name: string): Array<Omit<DocumentInput, 'externalId'>> {
  return [
    {
      category: 'encounter',
      occurredAt: '2026-09-12T09:30:00-04:00',
      title: 'Emergency department visit',
      body: `${name} seen for wheezing after a viral illness; improved with albuterol; discharged home.`,
    },
    {
      category: 'appointment',
      occurredAt: '2026-12-03T14:00:00-05:00',
      title: 'Pulmonology follow-up',
      body: 'Scheduled follow-up in the pulmonology clinic, 3rd floor.',
    },
    {
      category: 'result',
      occurredAt: '2026-09-12T10:05:00-04:00',
      title: 'Chest X-ray',
      body: 'No focal consolidation. Mild peribronchial thickening.',
    },
    {
      category: 'result',
      occurredAt: '2026-09-12T10:40:00-04:00',
      title: 'Complete blood count',
      body: 'WBC 9.8, Hgb 12.6, Plt 310 — within normal limits.',
    },
    {
      category: 'note',
      occurredAt: '2026-09-12T12:15:00-04:00',
      title: 'Discharge summary',
      body: 'Asthma exacerbation, mild. Continue controller therapy; return precautions given.',
    },
    {
      category: 'medication',
      occurredAt: '2026-09-12T12:20:00-04:00',
      title: 'Fluticasone 44 mcg inhaler',
      body: '2 puffs twice daily with spacer.',
    },
    {
      category: 'allergy',
      occurredAt: '2025-05-01T08:00:00-04:00',
      title: 'Amoxicillin',
      body: 'Rash (mild), reported by parent.',
    },
    {
      category: 'problem',
      occurredAt: '2024-02-10T08:00:00-05:00',
      title: 'Mild persistent asthma',
      body: 'Active since 2024.',
    },
  ];
}

async function seed(
  app: INestApplicationContext,
  manager: EntityManager,
  passwordHash: string,
  now: Date,
): Promise<{ patients: number; documents: number }> {
  const practices = app.get(PracticesRepository);
  const users = app.get(UsersRepository);
  const practice = (name: string, city: string, address: string) =>
    practices.insert(
      { name, address, city, phone: '617-555-0140', fax: '617-555-0141', createdAt: now },
      manager,
    );
  const user = async (u: {
    kind: UserKind;
    email: string;
    first: string;
    last: string;
    npi?: string;
    practiceId: string;
    sponsorId?: string;
    isSponsor?: boolean;
    role?: SponsoredRole;
  }): Promise<string> => {
    const created = await users.insert(
      {
        kind: u.kind,
        email: u.email,
        passwordHash,
        firstName: u.first,
        lastName: u.last,
        npi: u.npi ?? null,
        practiceId: u.practiceId,
        sponsorId: u.sponsorId ?? null,
        sponsoredRole: u.role ?? null,
        isSponsor: u.isSponsor ?? false,
        status: 'active',
        emailVerifiedAt: now,
        approvedAt: now,
        now,
      },
      manager,
    );
    if (!created) throw new Error(`${u.email} already has an account`);
    return created.id;
  };

  const riverside = await practice(
    'Riverside Pediatrics',
    'Cambridge',
    '221 Riverside Ave, Cambridge, MA 02139',
  );
  const harbor = await practice('Harbor Family Medicine', 'Quincy', '48 Harbor St, Quincy, MA 02169');
  const chenId = await user({
    kind: 'provider',
    email: CHEN.email,
    first: 'Mei',
    last: 'Chen',
    npi: CHEN.npi,
    practiceId: riverside,
    isSponsor: true,
  });
  await user({
    kind: 'provider',
    email: PATEL.email,
    first: 'Arjun',
    last: 'Patel',
    npi: PATEL.npi,
    practiceId: riverside,
  });
  await user({
    kind: 'provider',
    email: OKAFOR.email,
    first: 'Grace',
    last: 'Okafor',
    npi: OKAFOR.npi,
    practiceId: harbor,
  });
  await user({
    kind: 'sponsored',
    email: NURSE_EMAIL,
    first: 'Lena',
    last: 'Brooks',
    practiceId: riverside,
    sponsorId: chenId,
    role: 'registered_nurse',
  });
  await app.get(PracticeRosterRepository).add(riverside, ROSTER_ONLY, null, now, manager);

  const patients = app.get(PatientsRepository);
  const documents = app.get(ClinicalDocumentsRepository);
  let n = 0;
  for (const p of PATIENTS) {
    const { id } = await patients.upsert(
      {
        mrn: p.mrn,
        firstName: p.first,
        lastName: p.last,
        searchFirstName: foldName(p.first),
        searchLastName: foldName(p.last),
        dob: p.dob,
        pcpNpi: p.pcp,
        hasPortalAccount: p.portal,
      },
      now,
      manager,
    );
    if (p.team.length) await patients.replaceCareTeam(id, p.team, manager);
    const docs = documentsOf(p.first).map((d) => ({ ...d, externalId: `DEMO-${p.mrn}-${++n}` }));
    await documents.upsertMany(id, docs, now, manager);
  }
  await app
    .get(AuditService)
    .record(
      { actorId: null, actorKind: 'system', action: 'demo.seed', outcome: 'success', details: {} },
      manager,
    );
  return { patients: PATIENTS.length, documents: n };
}

async function main(): Promise<void> {
  const config = loadConfig();
  await prepareDatabase(config);
  const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error'] });
  try {
    const dataSource = app.get(DataSource);
    const existing = await dataSource.getRepository(Patient).count();
    if (existing > 0) {
      console.error(
        `Refusing to seed: the database already has ${existing} patients. seed:demo only fills an empty database.`,
      );
      process.exitCode = 1;
    } else {
      const password = `Demo-${randomBytes(9).toString('base64url')}`;
      const hash = await app.get(PasswordService).hash(password);
      const now = app.get(Clock).now();
      const summary = await dataSource.transaction((manager) => seed(app, manager, hash, now));
      console.log(`Demo data created: 2 practices, 3 providers, 1 sponsored user, ${summary.patients} patients, ${summary.documents} documents.

Sign in (POST /api/v1/auth/login, then enroll TOTP with the returned secret at first sign-in):
  Dr. Mei Chen (provider, sponsor, Riverside Pediatrics)   ${CHEN.email}
  Dr. Arjun Patel (provider, Riverside Pediatrics)         ${PATEL.email}
  Dr. Grace Okafor (provider, Harbor Family Medicine)      ${OKAFOR.email}
  Lena Brooks, RN (sponsored by Dr. Chen)                  ${NURSE_EMAIL}
  Password for all of them: ${password}
${config.bootstrapStaffEmail ? `  Staff: ${config.bootstrapStaffEmail} (BOOTSTRAP_STAFF_PASSWORD)\n` : '  Staff: set BOOTSTRAP_STAFF_EMAIL and BOOTSTRAP_STAFF_PASSWORD and start the app.\n'}
Try: GET /api/v1/patients?mrn=CH1000001 as Dr. Chen (pcp_practice), CH1000003 (roster PCP), CH1000004 (care team),
     and CH1000005 (not authorized: actions only). Search by name: ?lastName=martinez&firstName=zoe&dob=2016-03-14.`);
    }
  } catch (error) {
    console.error(`seed:demo failed: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await app.close();
  }
}

await main();
