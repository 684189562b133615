import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import {
  AccessDecisionService,
  type AccessBasis,
  basisSql,
  viewerCte,
} from '../src/modules/patient-access/access-decision.service.js';
import { makeNpi } from './factories/index.js';
import { createTestApp, type TestContext } from './support/test-app.js';

/**
 * Property: for random small worlds, the SQL decision equals a plain in-memory model of SPEC §3
 * for every user × patient pair. Worlds are written in batches (one transaction each) and decided
 * with the same SQL fragments AccessDecisionService uses, set-based. Every world has its own
 * practices, NPIs, users and patients, so worlds sharing the database cannot see each other.
 */

const STATUSES = [
  'active',
  'locked',
  'deactivated',
  'pending_approval',
  'pending_email',
  'invited',
  'rejected',
] as const;
type Status = (typeof STATUSES)[number];
type Kind = 'provider' | 'sponsored' | 'staff';

interface WUser {
  kind: Kind;
  status: Status;
  practice: number | null;
  /** index into the world's NPI pool (providers; staff sometimes carry one too) */
  npi: number | null;
  /** index into the world's users (sponsored users) */
  sponsor: number | null;
}
interface WPatient {
  pcp: number | null;
  careTeam: number[];
  portal: boolean;
}
interface WGrant {
  user: number;
  patient: number;
  basis: 'approved_request' | 'token';
  revoked: boolean;
}
interface World {
  practices: number;
  npiPool: number;
  users: WUser[];
  patients: WPatient[];
  roster: Array<[number, number]>;
  grants: WGrant[];
}

const POOL = 8;
const statusArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Status>('active') },
  { weight: 3, arbitrary: fc.constantFrom(...STATUSES) },
);
const worldArb: fc.Arbitrary<World> = fc
  .record({
    practices: fc.integer({ min: 1, max: 3 }),
    users: fc.array(
      fc.record({
        kind: fc.constantFrom<Kind>('provider', 'provider', 'sponsored', 'staff'),
        status: statusArb,
        practice: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 6 }),
        npi: fc.option(fc.integer({ min: 0, max: POOL - 1 }), { freq: 8 }),
        sponsor: fc.option(fc.integer({ min: 0, max: 7 }), { freq: 6 }),
      }),
      { minLength: 1, maxLength: 7 },
    ),
    patients: fc.array(
      fc.record({
        pcp: fc.option(fc.integer({ min: 0, max: POOL - 1 }), { freq: 5 }),
        careTeam: fc.uniqueArray(fc.integer({ min: 0, max: POOL - 1 }), { maxLength: 3 }),
        portal: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    roster: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: POOL - 1 })), {
      maxLength: 4,
    }),
    grants: fc.array(
      fc.record({
        user: fc.nat(6),
        patient: fc.nat(3),
        basis: fc.constantFrom<'approved_request' | 'token'>('approved_request', 'token'),
        revoked: fc.boolean(),
      }),
      { maxLength: 5 },
    ),
  })
  .map((w) => {
    // Make the world consistent: indexes in range, one account per NPI, sponsors are earlier users
    // (any kind: a sponsor who is not a provider must not lend a practice), one active grant per key.
    const practice = (p: number | null) => (p === null ? null : p % w.practices);
    const usedNpi = new Set<number>();
    const users: WUser[] = w.users.map((u, i) => {
      let npi = u.kind === 'sponsored' ? null : u.npi;
      if (npi !== null && usedNpi.has(npi)) npi = null;
      if (npi !== null) usedNpi.add(npi);
      return {
        kind: u.kind,
        status: u.status,
        practice: practice(u.practice),
        npi,
        sponsor: u.kind === 'sponsored' && u.sponsor !== null && i > 0 ? u.sponsor % i : null,
      };
    });
    const active = new Set<string>();
    const grants = w.grants
      .map((g) => ({ ...g, user: g.user % users.length, patient: g.patient % w.patients.length }))
      .filter((g) => {
        if (g.revoked) return true;
        const key = `${g.user}/${g.patient}/${g.basis}`;
        if (active.has(key)) return false;
        active.add(key);
        return true;
      });
    const roster = [
      ...new Map(
        w.roster.map(([p, n]) => [`${p % w.practices}/${n}`, [p % w.practices, n] as [number, number]]),
      ).values(),
    ];
    return { practices: w.practices, npiPool: POOL, users, patients: w.patients, roster, grants };
  });

const MEMBER: ReadonlySet<Status> = new Set(['active', 'locked']);

/** SPEC §3 in plain code (decisions as documented in docs/patient-access.md). */
export function modelDecide(w: World, ui: number, pi: number): AccessBasis | null {
  const u = w.users[ui];
  const p = w.patients[pi];
  if (u.status !== 'active' || u.kind === 'staff') return null;
  let practice: number | null = null;
  if (u.kind === 'provider') practice = u.practice;
  if (u.kind === 'sponsored' && u.sponsor !== null) {
    const s = w.users[u.sponsor];
    if (s.kind === 'provider' && MEMBER.has(s.status)) practice = s.practice;
  }
  if (p.pcp !== null && practice !== null) {
    const physicians = new Set<number>();
    for (const m of w.users)
      if (m.kind === 'provider' && m.practice === practice && MEMBER.has(m.status) && m.npi !== null)
        physicians.add(m.npi);
    for (const [rp, rn] of w.roster) if (rp === practice) physicians.add(rn);
    if (physicians.has(p.pcp)) return 'pcp_practice';
  }
  if (u.kind === 'provider' && u.npi !== null && p.careTeam.includes(u.npi)) return 'care_team';
  const grant = (basis: string) =>
    w.grants.some((g) => g.user === ui && g.patient === pi && g.basis === basis && !g.revoked);
  if (grant('approved_request')) return 'approved_request';
  if (grant('token')) return 'token';
  return null;
}

let npiSeq = 100_000_000;
interface Ids {
  users: string[];
  patients: string[];
}

/** Writes the worlds with a handful of set-based inserts; returns the ids per world. */
async function insertWorlds(
  q: (sql: string, params: unknown[]) => Promise<unknown>,
  worlds: World[],
): Promise<Ids[]> {
  const practices: string[] = [];
  const users: unknown[][] = [[], [], [], [], [], [], [], []];
  const patients: unknown[][] = [[], [], [], []];
  const care: string[][] = [[], []];
  const roster: string[][] = [[], []];
  const grants: unknown[][] = [[], [], [], [], []];
  const out: Ids[] = [];
  const sponsoredRows: number[] = [];
  for (const w of worlds) {
    const practiceIds = Array.from({ length: w.practices }, () => randomUUID());
    practices.push(...practiceIds);
    const pool = Array.from({ length: w.npiPool }, () => makeNpi(String(npiSeq++)));
    const userIds = w.users.map(() => randomUUID());
    w.users.forEach((u, i) => {
      const row = [
        userIds[i],
        u.kind,
        `${userIds[i]}@w.test`,
        u.npi === null ? null : pool[u.npi],
        u.practice === null ? null : practiceIds[u.practice],
        u.sponsor === null ? null : userIds[u.sponsor],
        u.status,
        u.kind === 'sponsored' ? 'registered_nurse' : null,
      ];
      row.forEach((v, c) => users[c].push(v));
      if (u.sponsor !== null) sponsoredRows.push(users[0].length - 1);
    });
    const patientIds = w.patients.map(() => randomUUID());
    w.patients.forEach((p, i) => {
      patients[0].push(patientIds[i]);
      patients[1].push(`W${patientIds[i].slice(0, 30)}`);
      patients[2].push(p.pcp === null ? null : pool[p.pcp]);
      patients[3].push(p.portal);
      for (const n of p.careTeam) {
        care[0].push(patientIds[i]);
        care[1].push(pool[n]);
      }
    });
    for (const [rp, rn] of w.roster) {
      roster[0].push(practiceIds[rp]);
      roster[1].push(pool[rn]);
    }
    for (const g of w.grants) {
      grants[0].push(userIds[g.user]);
      grants[1].push(patientIds[g.patient]);
      grants[2].push(g.basis);
      grants[3].push(g.revoked ? new Date() : null);
      grants[4].push(null);
    }
    out.push({ users: userIds, patients: patientIds });
  }
  await q(
    `INSERT INTO practices (id, name, search_name, address, phone, fax) SELECT id, 'P', 'p', 'a', '1', '2' FROM unnest($1::uuid[]) AS id`,
    [practices],
  );
  // Sponsors first (the sponsor FK), then everyone: insert without sponsor, then set it.
  await q(
    `INSERT INTO users (id, kind, email, first_name, last_name, npi, practice_id, status, sponsored_role)
     SELECT id, kind, email, 'F', 'L', npi, practice_id, status, role
       FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::char(10)[], $5::uuid[], $6::varchar[], $7::varchar[])
            AS t(id, kind, email, npi, practice_id, status, role)`,
    [users[0], users[1], users[2], users[3], users[4], users[6], users[7]],
  );
  const withSponsor = sponsoredRows.map((r) => [users[0][r], users[5][r]]);
  if (withSponsor.length) {
    await q(
      `UPDATE users u SET sponsor_id = t.sponsor FROM unnest($1::uuid[], $2::uuid[]) AS t(id, sponsor) WHERE u.id = t.id`,
      [withSponsor.map((x) => x[0]), withSponsor.map((x) => x[1])],
    );
  }
  await q(
    `INSERT INTO patients (id, mrn, first_name, last_name, search_first_name, search_last_name, dob, pcp_npi, has_portal_account)
     SELECT id, mrn, 'A', 'B', 'a', 'b', '2015-01-01', pcp, portal FROM unnest($1::uuid[], $2::varchar[], $3::char(10)[], $4::boolean[]) AS t(id, mrn, pcp, portal)`,
    patients,
  );
  await q(
    `INSERT INTO care_team_members (patient_id, npi) SELECT * FROM unnest($1::uuid[], $2::char(10)[])`,
    care,
  );
  await q(
    `INSERT INTO practice_roster (practice_id, npi) SELECT * FROM unnest($1::uuid[], $2::char(10)[])`,
    roster,
  );
  await q(
    `INSERT INTO access_grants (user_id, patient_id, basis, revoked_at, source_id)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::timestamptz[], $5::uuid[])`,
    grants,
  );
  return out;
}

/** Every pair's basis, with the decision SQL of AccessDecisionService applied set-based. */
const PAIRS_SQL = `
  SELECT uu.id AS "userId", p.id AS "patientId", ${basisSql('v', 'p')} AS basis
    FROM unnest($1::uuid[]) AS uu(id)
   CROSS JOIN patients p
    LEFT JOIN LATERAL (${viewerCte('uu.id')}) v ON true
   WHERE p.id = ANY($2::uuid[])`;

let batches = 0;

async function checkBatch(ds: DataSource, worlds: World[]): Promise<void> {
  let mismatch: string | null = null;
  // Keep the planner's statistics current as the tables grow (indexes, not scans, as in production).
  if (batches++ % 10 === 1) await ds.query('ANALYZE');
  await ds.transaction(async (m) => {
    // The cross product's cost estimate would trigger JIT compilation, slower than the query itself.
    await m.query('SET LOCAL jit = off');
    const q = (sql: string, params: unknown[]) => m.query(sql, params);
    const t0 = Date.now();
    const ids = await insertWorlds(q, worlds);
    const t1 = Date.now();
    const rows: Array<{ userId: string; patientId: string; basis: AccessBasis | null }> = await m.query(
      PAIRS_SQL,
      [ids.flatMap((x) => x.users), ids.flatMap((x) => x.patients)],
    );
    if (process.env.PROP_TIMING) process.stderr.write(`insert ${t1 - t0} ms, decide ${Date.now() - t1} ms\n`);
    const got = new Map(rows.map((r) => [`${r.userId}/${r.patientId}`, r.basis]));
    worlds.forEach((w, wi) => {
      w.users.forEach((_u, ui) =>
        w.patients.forEach((_p, pi) => {
          const expected = modelDecide(w, ui, pi);
          const actual = got.get(`${ids[wi].users[ui]}/${ids[wi].patients[pi]}`);
          if (actual !== expected && !mismatch) {
            mismatch = `user ${ui} × patient ${pi}: SQL ${actual}, model ${expected} in ${JSON.stringify(w)}`;
          }
        }),
      );
    });
  });
  if (mismatch) throw new Error(mismatch);
}

describe('access decision: SQL equals the SPEC §3 model (property)', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('agrees on every user × patient pair of 2,500 random worlds (50 batches of 50) (set-based SQL)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(worldArb, { minLength: 50, maxLength: 50 }), (worlds) =>
        checkBatch(t.dataSource, worlds),
      ),
      { numRuns: Number(process.env.PROP_RUNS ?? 50), endOnFailure: true },
    );
  }, 120_000);

  it('decide() (one round trip per pair) agrees with the model on 150 random worlds', async () => {
    const decisions = t.app.get(AccessDecisionService);
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const ids = await t.dataSource.transaction((m) =>
          insertWorlds((sql, params) => m.query(sql, params), [w]),
        );
        for (let ui = 0; ui < w.users.length; ui++) {
          for (let pi = 0; pi < w.patients.length; pi++) {
            const expected = modelDecide(w, ui, pi);
            expect(await decisions.decide(ids[0].users[ui], ids[0].patients[pi])).toEqual({
              allowed: expected !== null,
              basis: expected,
            });
          }
        }
        const many = await decisions.decideMany(ids[0].users[0], ids[0].patients);
        ids[0].patients.forEach((pid, pi) =>
          expect(many.get(pid)?.basis ?? null).toBe(modelDecide(w, 0, pi)),
        );
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('the model itself holds known cases (guards against a model that agrees by being vacuous)', () => {
    const w: World = {
      practices: 2,
      npiPool: POOL,
      users: [
        { kind: 'provider', status: 'active', practice: 0, npi: 0, sponsor: null },
        { kind: 'sponsored', status: 'active', practice: null, npi: null, sponsor: 0 },
        { kind: 'provider', status: 'active', practice: 1, npi: 1, sponsor: null },
        { kind: 'staff', status: 'active', practice: 0, npi: 2, sponsor: null },
        { kind: 'provider', status: 'locked', practice: 0, npi: 3, sponsor: null },
      ],
      patients: [
        { pcp: 0, careTeam: [1, 2], portal: false },
        { pcp: 5, careTeam: [], portal: true },
      ],
      roster: [[1, 5]],
      grants: [
        { user: 0, patient: 1, basis: 'token', revoked: false },
        { user: 1, patient: 1, basis: 'approved_request', revoked: true },
      ],
    };
    expect(modelDecide(w, 0, 0)).toBe('pcp_practice');
    expect(modelDecide(w, 1, 0)).toBe('pcp_practice');
    expect(modelDecide(w, 2, 0)).toBe('care_team');
    expect(modelDecide(w, 3, 0)).toBeNull();
    expect(modelDecide(w, 4, 0)).toBeNull();
    expect(modelDecide(w, 0, 1)).toBe('token');
    expect(modelDecide(w, 1, 1)).toBeNull();
    expect(modelDecide(w, 2, 1)).toBe('pcp_practice');
  });
});
