import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { npiFromNineDigits as npi } from '../src/common/validation/npi.js';
import { loadConfig } from '../src/config/app-config.js';
import { prepareDatabase } from '../src/database/prepare-database.js';
import { PasswordService } from '../src/modules/identity/password.service.js';
import { foldName } from '../src/modules/patient-access/name-folding.js';

/**
 * `npm run seed:demo`: fills an EMPTY database with a believable demo world — one pediatric
 * practice with two providers (one a sponsor), a sponsored nurse, a second practice, roster
 * entries, patients with PCPs, care teams and documents of every category — and prints how to
 * sign in. Refuses when the database already has patients. Migrates first.
 */

const config = loadConfig();
await prepareDatabase(config);
const client = new pg.Client({ connectionString: config.databaseUrl });
await client.connect();
try {
  const { rows: existing } = await client.query('SELECT count(*)::int AS n FROM patients');
  if (existing[0].n > 0) {
    console.error(
      `Refusing to seed: the database already has ${existing[0].n} patients. seed:demo only fills an empty database.`,
    );
    process.exitCode = 1;
  } else {
    const password = `Demo-${randomBytes(9).toString('base64url')}`;
    const hash = await new PasswordService().hash(password);
    await client.query('BEGIN');
    const practice = async (name: string, city: string, address: string) =>
      (
        await client.query(
          `INSERT INTO practices (name, search_name, address, city, phone, fax) VALUES ($1::varchar, lower($1::varchar), $2, $3, '617-555-0140', '617-555-0141') RETURNING id`,
          [name, address, city],
        )
      ).rows[0].id as string;
    const riverside = await practice(
      'Riverside Pediatrics',
      'Cambridge',
      '221 Riverside Ave, Cambridge, MA 02139',
    );
    const harbor = await practice('Harbor Family Medicine', 'Quincy', '48 Harbor St, Quincy, MA 02169');
    const user = async (u: {
      kind: string;
      email: string;
      first: string;
      last: string;
      npi?: string;
      practiceId?: string;
      sponsorId?: string;
      isSponsor?: boolean;
      role?: string;
    }) =>
      (
        await client.query(
          `INSERT INTO users (kind, email, password_hash, first_name, last_name, npi, practice_id, sponsor_id, sponsored_role, is_sponsor, status, email_verified_at, approved_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', now(), now()) RETURNING id`,
          [
            u.kind,
            u.email,
            hash,
            u.first,
            u.last,
            u.npi ?? null,
            u.practiceId ?? null,
            u.sponsorId ?? null,
            u.role ?? null,
            u.isSponsor ?? false,
          ],
        )
      ).rows[0].id as string;
    const chen = { npi: npi('150000001'), email: 'dr.chen@riverside-peds.example' };
    const patel = { npi: npi('150000002'), email: 'dr.patel@riverside-peds.example' };
    const okafor = { npi: npi('150000003'), email: 'dr.okafor@harbor-family.example' };
    const rosterOnly = npi('150000004'); // a part-time physician on Riverside's roster, without an account
    const specialist = npi('150000005'); // hospital cardiologist, care-team member only
    const chenId = await user({
      kind: 'provider',
      email: chen.email,
      first: 'Mei',
      last: 'Chen',
      npi: chen.npi,
      practiceId: riverside,
      isSponsor: true,
    });
    await user({
      kind: 'provider',
      email: patel.email,
      first: 'Arjun',
      last: 'Patel',
      npi: patel.npi,
      practiceId: riverside,
    });
    await user({
      kind: 'provider',
      email: okafor.email,
      first: 'Grace',
      last: 'Okafor',
      npi: okafor.npi,
      practiceId: harbor,
    });
    await user({
      kind: 'sponsored',
      email: 'nurse.brooks@riverside-peds.example',
      first: 'Lena',
      last: 'Brooks',
      practiceId: riverside,
      sponsorId: chenId,
      role: 'registered_nurse',
    });
    await client.query(`INSERT INTO practice_roster (practice_id, npi) VALUES ($1, $2)`, [
      riverside,
      rosterOnly,
    ]);

    const patients = [
      {
        mrn: 'CH1000001',
        first: 'Zoë',
        last: 'Martínez',
        dob: '2016-03-14',
        pcp: chen.npi,
        team: [specialist],
        portal: true,
      },
      {
        mrn: 'CH1000002',
        first: 'Liam',
        last: "O'Connor",
        dob: '2019-08-02',
        pcp: patel.npi,
        team: [],
        portal: false,
      },
      {
        mrn: 'CH1000003',
        first: 'Amara',
        last: 'Nwosu',
        dob: '2012-11-23',
        pcp: rosterOnly,
        team: [chen.npi],
        portal: true,
      },
      {
        mrn: 'CH1000004',
        first: 'Noah',
        last: 'Lefèvre',
        dob: '2021-01-30',
        pcp: okafor.npi,
        team: [specialist, chen.npi],
        portal: true,
      },
      {
        mrn: 'CH1000005',
        first: 'Sofia',
        last: 'Rossi',
        dob: '2014-06-09',
        pcp: okafor.npi,
        team: [],
        portal: false,
      },
    ];
    const docs = (name: string): Array<[string, string, string, string]> => [
      [
        'encounter',
        '2026-09-12T09:30:00-04:00',
        'Emergency department visit',
        `${name} seen for wheezing after a viral illness; improved with albuterol; discharged home.`,
      ],
      [
        'appointment',
        '2026-12-03T14:00:00-05:00',
        'Pulmonology follow-up',
        'Scheduled follow-up in the pulmonology clinic, 3rd floor.',
      ],
      [
        'result',
        '2026-09-12T10:05:00-04:00',
        'Chest X-ray',
        'No focal consolidation. Mild peribronchial thickening.',
      ],
      [
        'result',
        '2026-09-12T10:40:00-04:00',
        'Complete blood count',
        'WBC 9.8, Hgb 12.6, Plt 310 — within normal limits.',
      ],
      [
        'note',
        '2026-09-12T12:15:00-04:00',
        'Discharge summary',
        'Asthma exacerbation, mild. Continue controller therapy; return precautions given.',
      ],
      [
        'medication',
        '2026-09-12T12:20:00-04:00',
        'Fluticasone 44 mcg inhaler',
        '2 puffs twice daily with spacer.',
      ],
      ['allergy', '2025-05-01T08:00:00-04:00', 'Amoxicillin', 'Rash (mild), reported by parent.'],
      ['problem', '2024-02-10T08:00:00-05:00', 'Mild persistent asthma', 'Active since 2024.'],
    ];
    let n = 0;
    for (const p of patients) {
      const { rows } = await client.query(
        `INSERT INTO patients (mrn, first_name, last_name, search_first_name, search_last_name, dob, pcp_npi, has_portal_account)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [p.mrn, p.first, p.last, foldName(p.first), foldName(p.last), p.dob, p.pcp, p.portal],
      );
      for (const member of p.team)
        await client.query(`INSERT INTO care_team_members (patient_id, npi) VALUES ($1, $2)`, [
          rows[0].id,
          member,
        ]);
      for (const [category, occurredAt, title, body] of docs(p.first)) {
        await client.query(
          `INSERT INTO clinical_documents (patient_id, external_id, category, occurred_at, title, body) VALUES ($1, $2, $3, $4, $5, $6)`,
          [rows[0].id, `DEMO-${p.mrn}-${++n}`, category, occurredAt, title, body],
        );
      }
    }
    await client.query(
      `INSERT INTO audit_events (at, actor_id, actor_kind, action, outcome, details, hash) VALUES (now(), NULL, 'system', 'demo.seed', 'success', '{}'::jsonb, '')`,
    );
    await client.query('COMMIT');
    console.log(`Demo data created: 2 practices, 3 providers, 1 sponsored user, ${patients.length} patients, ${n} documents.

Sign in (POST /api/v1/auth/login, then enroll TOTP with the returned secret at first sign-in):
  Dr. Mei Chen (provider, sponsor, Riverside Pediatrics)   ${chen.email}
  Dr. Arjun Patel (provider, Riverside Pediatrics)         ${patel.email}
  Dr. Grace Okafor (provider, Harbor Family Medicine)      ${okafor.email}
  Lena Brooks, RN (sponsored by Dr. Chen)                  nurse.brooks@riverside-peds.example
  Password for all of them: ${password}
${config.bootstrapStaffEmail ? `  Staff: ${config.bootstrapStaffEmail} (BOOTSTRAP_STAFF_PASSWORD)\n` : '  Staff: set BOOTSTRAP_STAFF_EMAIL and BOOTSTRAP_STAFF_PASSWORD and start the app.\n'}
Try: GET /api/v1/patients?mrn=CH1000001 as Dr. Chen (pcp_practice), CH1000003 (roster PCP), CH1000004 (care team),
     and CH1000005 (not authorized: actions only). Search by name: ?lastName=martinez&firstName=zoe&dob=2016-03-14.`);
  }
} catch (error) {
  await client.query('ROLLBACK').catch(() => undefined);
  console.error(`seed:demo failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await client.end();
}
