// Scale dataset for the benchmark: a dedicated database, migrated with the project's own
// prepareDatabase (dist/), filled server-side with INSERT … SELECT generate_series (no rows cross
// the wire, as fast as COPY), reused while its parameters match the marker table bench.dataset.
//
//   node bench/dataset.mjs [--quick] [--force]      (npm run build first)
//
// Distributions (see BENCHMARKS.md): 4 providers per practice, half of them sponsors with 10
// sponsored users each; 2 roster NPIs per practice; patients' PCPs 65% providers (skewed: some
// physicians have many patients), 20% roster NPIs, 10% NPIs unknown to every practice, 5% none;
// 60% with a portal account; care teams of 0–4 providers (2 on average); grants to distinct
// (user, patient) pairs, 70% approved_request / 30% token, 5% revoked; documents Poisson-distributed
// over patients with a heavy tail (2% of patients hold ~20% of the documents).
import pg from 'pg';
import { dbUrl, importDist, log, npiFromNine, PG_HOST_URL } from './lib.mjs';

export const FULL = {
  practices: 5_000,
  providers: 20_000,
  sponsored: 100_000,
  rosterPerPractice: 2,
  unknownPcps: 5_000,
  patients: 1_000_000,
  careTeam: 2_000_000,
  grants: 500_000,
  documents: 3_000_000,
};

export const QUICK_PARAMS = Object.fromEntries(
  Object.entries(FULL).map(([k, v]) => [k, k === 'rosterPerPractice' ? v : Math.round(v / 20)]),
);

/** Version of the generator: bump it when the SQL below changes so old datasets are rebuilt. */
const GENERATOR_VERSION = 4;

const LOADED_TABLES = [
  'practices',
  'users',
  'practice_roster',
  'patients',
  'care_team_members',
  'access_grants',
  'clinical_documents',
];

const FIRST = [
  'Avery',
  'Liam',
  'Olivia',
  'Noah',
  'Emma',
  'Mateo',
  'Sofía',
  'Zoë',
  'Lucas',
  'Amelia',
  'José',
  'Mia',
  'Ethan',
  'Chloé',
  'Aiden',
  'Isabella',
  'Jackson',
  'Harper',
  'Élodie',
  'Caleb',
  'Nora',
  'Owen',
  'Aaliyah',
  'Mason',
  'Léa',
  'Elijah',
  'Ava',
  'Benjamin',
  'Maya',
  'Henry',
  'Priya',
  'Kai',
  'Naomi',
  'Omar',
  'Grace',
  'Yusuf',
  'Ingrid',
  'Björn',
  'Hana',
  'Diego',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'García',
  'Miller',
  'Davis',
  'Rodríguez',
  'Martínez',
  'Hernández',
  'López',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Pérez',
  'Thompson',
  'White',
  'Harris',
  'Sánchez',
  'Clark',
  'Ramírez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Nguyen',
  'Müller',
  "O'Brien",
  'Kowalski',
  'Okafor',
  'Çelik',
  'Novák',
  'Ibáñez',
  'Schröder',
  'Dubois',
  'Ahmed',
  'Patel',
  'Kim',
  'Cohen',
  'Rossi',
];
const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();

/** jsonb reorders keys: compare parameter sets by sorted keys. */
const canonical = (o) =>
  JSON.stringify(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );

export function datasetDbName(quick) {
  return process.env.BENCH_DB ?? (quick ? 'mypatients_bench_quick' : 'mypatients_bench');
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url, application_name: 'mypatients-bench-loader' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function timed(label, timings, fn) {
  const t0 = performance.now();
  const out = await fn();
  const s = (performance.now() - t0) / 1000;
  timings[label] = Math.round(s * 10) / 10;
  log(`  ${label}: ${timings[label]} s`);
  return out;
}

/** Runs async tasks on at most `width` at a time (the machine has 2 cores: 2 backends load in parallel). */
async function pool(tasks, width) {
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (queue.length) await queue.shift()();
    }),
  );
}

async function loaderSession(client) {
  // Session settings of a bulk load; nothing here changes the schema or the server's configuration.
  await client.query(`SET maintenance_work_mem = '512MB'`);
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET max_parallel_maintenance_workers = 0`);
}

async function readMarker(url) {
  try {
    return await withClient(url, async (c) => {
      const { rows } = await c.query(`SELECT params, stats FROM bench.dataset WHERE complete`);
      return rows[0] ?? null;
    });
  } catch {
    return null;
  }
}

/**
 * Ensures the dataset exists in its own database and returns { url, name, params, stats, reused }.
 * Reuses it when bench.dataset holds the same parameters; otherwise drops and rebuilds the database.
 */
export async function ensureDataset({ quick = false, force = false } = {}) {
  const params = { ...(quick ? QUICK_PARAMS : FULL), generator: GENERATOR_VERSION };
  const name = datasetDbName(quick);
  const url = dbUrl(name);
  const { prepareDatabase } = await importDist('src/database/prepare-database.js');

  const marker = force ? null : await readMarker(url);
  if (marker && canonical(marker.params) === canonical(params)) {
    // New migrations (merged since the load) apply to the existing dataset.
    const applied = await prepareDatabase({ databaseUrl: url });
    if (applied.length) log(`dataset ${name}: applied new migrations ${applied.join(', ')}`);
    log(`dataset ${name} reused (loaded in ${marker.stats.totalSeconds} s)`);
    return { url, name, params, stats: marker.stats, reused: true };
  }

  log(`dataset ${name}: building from scratch`, JSON.stringify(params));
  await withClient(PG_HOST_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  const t0 = performance.now();
  const timings = {};
  await timed('create+migrate', timings, () => prepareDatabase({ databaseUrl: url }));
  const stats = await load(url, params, timings);
  stats.totalSeconds = Math.round((performance.now() - t0) / 100) / 10;
  await withClient(url, (c) =>
    c.query(`INSERT INTO bench.dataset (params, stats, complete) VALUES ($1, $2, true)`, [
      JSON.stringify(params),
      JSON.stringify(stats),
    ]),
  );
  log(`dataset ${name} loaded in ${stats.totalSeconds} s`);
  return { url, name, params, stats, reused: false };
}

async function load(url, p, timings) {
  const spp = Math.round(p.sponsored / (p.providers / 2)); // sponsored users per sponsor
  const rosterCount = p.practices * p.rosterPerPractice;
  const passwordHash =
    '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2gtZGF0YXNldA$0000000000000000000000000000000000000000000';

  // Connections: one coordinator, two loaders (one backend per core).
  const clients = await Promise.all(
    [0, 1, 2].map(async () => {
      const c = new pg.Client({ connectionString: url, application_name: 'mypatients-bench-loader' });
      await c.connect();
      await loaderSession(c);
      return c;
    }),
  );
  const [c, l1, l2] = clients;
  const halves = (n) => [
    [0, Math.floor(n / 2)],
    [Math.floor(n / 2), n],
  ];
  const both = (sqlFor, n, values = []) =>
    Promise.all(halves(n).map(([from, to], i) => [l1, l2][i].query(sqlFor(from, to), values)));

  try {
    await c.query(`CREATE SCHEMA IF NOT EXISTS bench`);
    await c.query(
      `CREATE TABLE IF NOT EXISTS bench.dataset (params jsonb NOT NULL, stats jsonb NOT NULL, complete boolean NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now())`,
    );
    await c.query(
      `CREATE TABLE bench.npis (role text NOT NULL, ord int NOT NULL, npi char(10) NOT NULL, PRIMARY KEY (role, ord))`,
    );

    // Indexes and keys of the loaded tables are dropped during the load and rebuilt afterwards:
    // that is how an initial bulk load is done in production (a sorted build beats 3M random
    // B-tree inserts). The definitions are read from the catalog, so whatever the migrations
    // declare (now or later) is exactly what is rebuilt.
    const ddl = await timed('drop indexes', timings, async () => {
      const fks = (
        await c.query(
          `SELECT conname, conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def FROM pg_constraint
          WHERE contype = 'f' AND (conrelid::regclass::text = ANY($1) OR confrelid::regclass::text = ANY($1))`,
          [LOADED_TABLES],
        )
      ).rows;
      const keys = (
        await c.query(
          `SELECT conname, conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def FROM pg_constraint
          WHERE contype IN ('p', 'u', 'x') AND conrelid::regclass::text = ANY($1)`,
          [LOADED_TABLES],
        )
      ).rows;
      const indexes = (
        await c.query(
          `SELECT i.indexname AS name, i.tablename AS tbl, i.indexdef AS def FROM pg_indexes i
          WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
            AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`,
          [LOADED_TABLES],
        )
      ).rows;
      for (const f of fks) await c.query(`ALTER TABLE ${f.tbl} DROP CONSTRAINT "${f.conname}"`);
      for (const i of indexes) await c.query(`DROP INDEX "${i.name}"`);
      for (const k of keys) await c.query(`ALTER TABLE ${k.tbl} DROP CONSTRAINT "${k.conname}"`);
      return { fks, keys, indexes };
    });

    await timed('npis', timings, async () => {
      const rows = [];
      for (let o = 0; o < p.providers; o++)
        rows.push(['provider', o, npiFromNine(String(100000000 + o * 3))]);
      for (let o = 0; o < rosterCount; o++) rows.push(['roster', o, npiFromNine(String(150000000 + o * 7))]);
      for (let o = 0; o < p.unknownPcps; o++)
        rows.push(['unknown', o, npiFromNine(String(190000000 + o * 11))]);
      await c.query(`INSERT INTO bench.npis SELECT * FROM unnest($1::text[], $2::int[], $3::text[])`, [
        rows.map((r) => r[0]),
        rows.map((r) => r[1]),
        rows.map((r) => r[2]),
      ]);
    });

    await timed('practices', timings, () =>
      c.query(
        `INSERT INTO practices (id, name, search_name, address, city, phone, fax, created_at)
         SELECT md5('practice:' || i)::uuid, n, lower(n), (100 + i % 900) || ' ' || (ARRAY['Main St','Elm St','Harbor Ave','Centre St','Beacon St'])[1 + i % 5],
                (ARRAY['Boston','Cambridge','Worcester','Springfield','Lowell','Quincy','Newton','Salem'])[1 + i % 8],
                '617-555-' || lpad((i % 10000)::text, 4, '0'), '617-556-' || lpad((i % 10000)::text, 4, '0'),
                now() - (i % 2000) * interval '1 day'
           FROM generate_series(0, $1 - 1) i, LATERAL (SELECT 'Pediatric Associates ' || i AS n) x`,
        [p.practices],
      ),
    );

    await timed('users', timings, async () => {
      const names = [FIRST, LAST];
      // Providers: 4 per practice; the first half are sponsors; 1% deactivated, 0.5% locked.
      await c.query(
        `INSERT INTO users (id, kind, email, password_hash, first_name, last_name, npi, practice_id, is_sponsor, status,
                            lock_reason, totp_secret, totp_enrolled_at, email_verified_at, approved_at, created_at, updated_at)
         SELECT md5('user:p:' || n.ord)::uuid, 'provider', 'provider' || n.ord || '@bench.example', $1,
                ($2::text[])[1 + n.ord % array_length($2, 1)], ($3::text[])[1 + (n.ord / 7) % array_length($3, 1)],
                n.npi, md5('practice:' || (n.ord % $4))::uuid, n.ord < $5::int / 2,
                CASE WHEN n.ord % 100 = 99 THEN 'deactivated' WHEN n.ord % 200 = 150 THEN 'locked' ELSE 'active' END,
                CASE WHEN n.ord % 200 = 150 THEN 'failed_logins' END,
                'bench-totp-secret', now() - interval '300 days', now() - interval '400 days', now() - interval '399 days',
                now() - interval '400 days', now()
           FROM bench.npis n WHERE n.role = 'provider'`,
        [passwordHash, ...names, p.practices, p.providers],
      );
      // Sponsored users: `spp` per sponsor, in the sponsor's practice; 2% deactivated.
      await c.query(
        `INSERT INTO users (id, kind, email, password_hash, first_name, last_name, practice_id, sponsor_id, sponsored_role, status,
                            totp_secret, totp_enrolled_at, email_verified_at, created_at, updated_at)
         SELECT md5('user:s:' || s)::uuid, 'sponsored', 'staff' || s || '@bench.example', $1,
                ($2::text[])[1 + (s * 3) % array_length($2, 1)], ($3::text[])[1 + (s / 3) % array_length($3, 1)],
                md5('practice:' || ((s / $4) % $5))::uuid, md5('user:p:' || (s / $4))::uuid,
                (ARRAY['registered_nurse','referral_coordinator','social_worker','office_manager','other'])[1 + s % 5],
                CASE WHEN s % 50 = 49 THEN 'deactivated' ELSE 'active' END,
                'bench-totp-secret', now() - interval '200 days', now() - interval '250 days', now() - interval '250 days', now()
           FROM generate_series(0, $6 - 1) s`,
        [passwordHash, ...names, spp, p.practices, p.sponsored],
      );
      await c.query(
        `INSERT INTO users (id, kind, email, password_hash, first_name, last_name, status, totp_secret, email_verified_at)
         VALUES (md5('user:staff:0')::uuid, 'staff', 'team@bench.example', $1, 'Morgan', 'Team', 'active', 'bench-totp-secret', now())`,
        [passwordHash],
      );
    });

    await timed('practice_roster', timings, () =>
      c.query(
        `INSERT INTO practice_roster (practice_id, npi, added_by, created_at)
         SELECT md5('practice:' || (n.ord % $1))::uuid, n.npi, md5('user:staff:0')::uuid, now() - (n.ord % 500) * interval '1 day'
           FROM bench.npis n WHERE n.role = 'roster'`,
        [p.practices],
      ),
    );

    await timed('patients', timings, () =>
      both(
        (from, to) => `
        INSERT INTO patients (id, mrn, first_name, last_name, search_first_name, search_last_name, dob, pcp_npi, has_portal_account, created_at, updated_at)
        SELECT md5('patient:' || s.i)::uuid, (10000000 + s.i)::text, ($1::text[])[s.f], ($3::text[])[s.l], ($2::text[])[s.f], ($4::text[])[s.l],
               date '2007-01-01' + s.age, n.npi, s.portal, now() - s.age * interval '1 day', now() - (s.i % 300) * interval '1 day'
          FROM (SELECT i, 1 + floor(random() * array_length($1::text[], 1))::int AS f, 1 + floor(random() * array_length($3::text[], 1))::int AS l,
                       floor(random() * 6900)::int AS age, random() < 0.6 AS portal, r,
                       CASE WHEN r < 0.65 THEN 'provider' WHEN r < 0.85 THEN 'roster' WHEN r < 0.95 THEN 'unknown' END AS role,
                       CASE WHEN r < 0.65 THEN (floor($5::int * power(random(), 1.6))::bigint * 7919) % $5::int
                            WHEN r < 0.85 THEN floor(random() * $6::int)::int
                            ELSE floor(random() * $7::int)::int END AS ord
                  FROM (SELECT i, random() AS r FROM generate_series(${from}, ${to - 1}) i) g) s
          LEFT JOIN bench.npis n ON n.role = s.role AND n.ord = s.ord`,
        p.patients,
        [FIRST, FIRST.map(fold), LAST, LAST.map(fold), p.providers, rosterCount, p.unknownPcps],
      ),
    );

    await timed('care_team_members', timings, () =>
      both(
        (from, to) => `
        INSERT INTO care_team_members (patient_id, npi)
        SELECT md5('patient:' || s.i)::uuid, n.npi
          FROM (SELECT i, floor(random() * $1::int)::int AS b FROM generate_series(${from}, ${to - 1}) i) s
          CROSS JOIN LATERAL generate_series(0, (s.i % 5) - 1) k
          JOIN bench.npis n ON n.role = 'provider' AND n.ord = (s.b + k * 5003) % $1::int`,
        p.patients,
        [p.providers],
      ),
    );

    await timed('access_grants', timings, () =>
      c.query(
        `INSERT INTO access_grants (id, user_id, patient_id, basis, created_at, expires_at, revoked_at, revoked_by)
         SELECT md5('grant:' || g)::uuid,
                CASE WHEN g % $1 < $2 THEN md5('user:p:' || (g % $1))::uuid ELSE md5('user:s:' || (g % $1 - $2))::uuid END,
                md5('patient:' || ((g::bigint * 104729) % $3::int))::uuid,
                CASE WHEN g % 10 < 7 THEN 'approved_request' ELSE 'token' END,
                now() - (g % 700) * interval '1 day',
                -- 12 months' validity (ACCESS_GRANT_MONTHS); 1 in 25 lapsed a day ago (expired, not revoked).
                CASE WHEN g % 25 = 3 THEN now() - interval '1 day' ELSE now() + (365 - g % 300) * interval '1 day' END,
                CASE WHEN g % 20 = 0 THEN now() - (g % 30) * interval '1 day' END,
                CASE WHEN g % 20 = 0 THEN md5('user:staff:0')::uuid END
           FROM generate_series(0, $4 - 1) g`,
        [p.providers + p.sponsored, p.providers, p.patients, p.grants],
      ),
    );

    await timed('clinical_documents', timings, () =>
      both(
        (from, to) => `
        INSERT INTO clinical_documents (id, patient_id, external_id, category, occurred_at, title, body, confidentiality, created_at, updated_at)
        SELECT md5('doc:' || d)::uuid, md5('patient:' || s.pi)::uuid, 'ehr-doc-' || d, s.cat, s.at,
               initcap(s.cat) || ' — ' || (ARRAY['Well-child visit','Follow-up','Lab panel','Imaging report','Discharge summary','Consult note','Prescription'])[1 + d % 7],
               -- jsonb bodies: 1 in 4 structured, the rest a text note (to_jsonb of a string).
               CASE WHEN d % 4 = 0
                    THEN jsonb_build_object('kind', 'structured', 'summary', 'Summary ' || md5(d::text), 'values',
                           jsonb_build_array(jsonb_build_object('code', 'hr', 'value', 60 + d % 60), jsonb_build_object('code', 'temp', 'value', 36.5)))
                    ELSE to_jsonb('Summary ' || md5(d::text) || E'.\\n' || repeat('Patient seen for follow-up; vitals within normal limits; plan discussed with guardian. ', 1 + (d % 8)))
               END,
               -- 3% withheld: 2% R, 1% V (HL7 confidentiality; only N is shown).
               CASE WHEN d % 100 < 2 THEN 'R' WHEN d % 100 = 2 THEN 'V' ELSE 'N' END,
               s.at, s.at
          FROM (SELECT d,
                       CASE WHEN random() < 0.2 THEN floor(random() * ($1::int / 50))::int * 50 ELSE floor(random() * $1::int)::int END AS pi,
                       (ARRAY['encounter','appointment','result','note','medication','allergy','problem'])[1 + floor(random() * 7)::int] AS cat,
                       now() - random() * interval '6 years' AS at
                  FROM generate_series(${from}, ${to - 1}) d) s`,
        p.documents,
        [p.patients],
      ),
    );

    await timed('rebuild keys+indexes', timings, async () => {
      const statements = [
        ...ddl.keys.map((k) => `ALTER TABLE ${k.tbl} ADD CONSTRAINT "${k.conname}" ${k.def}`),
        ...ddl.indexes.map((i) => i.def),
      ];
      // Biggest tables first so the two backends finish together.
      const weight = (s) =>
        LOADED_TABLES.indexOf(
          LOADED_TABLES.find((t) => s.includes(` ${t} `) || s.includes(` public.${t} `)) ?? '',
        );
      statements.sort((a, b) => weight(b) - weight(a));
      await pool(
        statements.map((s, i) => () => [l1, l2][i % 2].query(s)),
        2,
      );
    });

    await timed('foreign keys', timings, async () => {
      for (const f of ddl.fks) await c.query(`ALTER TABLE ${f.tbl} ADD CONSTRAINT "${f.conname}" ${f.def}`);
    });

    await timed('vacuum analyze', timings, () =>
      pool(
        LOADED_TABLES.map((t, i) => () => [l1, l2][i % 2].query(`VACUUM (ANALYZE) ${t}`)),
        2,
      ),
    );

    const counts = {};
    for (const t of LOADED_TABLES) {
      counts[t] = Number((await c.query(`SELECT count(*)::bigint AS n FROM ${t}`)).rows[0].n);
    }
    const sizes = (await c.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS db`))
      .rows[0];
    const dist = (
      await c.query(
        `SELECT count(*) FILTER (WHERE pcp_npi IS NULL) AS no_pcp,
              count(*) FILTER (WHERE pcp_npi IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.npi = p.pcp_npi)
                                 AND NOT EXISTS (SELECT 1 FROM practice_roster r WHERE r.npi = p.pcp_npi)) AS unknown_pcp
         FROM patients p`,
      )
    ).rows[0];
    log(`  counts ${JSON.stringify(counts)}; database ${sizes.db}`);
    return {
      counts,
      patientsWithoutPcp: Number(dist.no_pcp),
      patientsWithUnknownPcp: Number(dist.unknown_pcp),
      databaseSize: sizes.db,
      timings,
    };
  } finally {
    await Promise.all(clients.map((x) => x.end()));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = new Set(process.argv.slice(2));
  ensureDataset({ quick: argv.has('--quick'), force: argv.has('--force') })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
