import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import {
  AccessDecisionService,
  type AccessBasis,
  basisSql,
  viewerCte,
} from '../src/modules/patient-access/access-decision.service.js';
import type { AuthUser } from '../src/common/auth/principal.js';
import { PatientRecordsService } from '../src/modules/patient-access/patient-records.service.js';
import { makeNpi } from './factories/index.js';
import { createTestApp, type TestContext } from './support/test-app.js';

/**
 * Property: for random small worlds, the SQL decision equals a plain in-memory model of SPEC §3
 * (with §1's account states and §7's grants) for every user × patient pair, as of one instant `NOW`
 * (the app's clock). Worlds are written in batches (one transaction each) and decided
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
type LockReason = 'failed_logins' | 'validation_overdue' | 'staff';

/** The instant every world is decided at: the test app's clock, and `$3` of the set-based SQL. */
const NOW = new Date('2026-11-16T15:00:00Z');
const MINUTE = 60_000;
const DAY_MIN = 24 * 60;

interface WUser {
  kind: Kind;
  status: Status;
  /** set when `status` is `locked` (SPEC §1: every lock has a reason) */
  lockReason: LockReason | null;
  /** end of a `failed_logins` lock, in minutes from NOW (negative: the 15 minutes are over) */
  lockedUntilMin: number | null;
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
  /** the grant's `expires_at`, in minutes from NOW (0: it expires exactly at NOW; negative: already past) */
  expiresInMin: number;
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
        lockReason: fc.constantFrom<LockReason>(
          'failed_logins',
          'failed_logins',
          'validation_overdue',
          'staff',
        ),
        lockedUntilMin: fc.constantFrom(-24 * 60, -1, 1, 15),
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
        expiresInMin: fc.oneof(
          { weight: 3, arbitrary: fc.constant(300 * DAY_MIN) },
          { weight: 2, arbitrary: fc.constantFrom(-365 * DAY_MIN, -1, 0, 1, DAY_MIN) },
        ),
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
      const lockReason = u.status === 'locked' ? u.lockReason : null;
      return {
        kind: u.kind,
        status: u.status,
        lockReason,
        lockedUntilMin: lockReason === 'failed_logins' ? u.lockedUntilMin : null,
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

/**
 * Provider accounts that make their NPI one of the practice's physicians (SPEC §3: "its provider
 * members"): a member until the account ends (deactivated) — a lock, temporary or for an overdue
 * validation, does not end membership; an account staff have not approved (pending) or rejected
 * never began it.
 */
const MEMBER: ReadonlySet<Status> = new Set(['active', 'locked']);

/**
 * The account's status at `now` (SPEC §1): five failed sign-ins lock it "for 15 minutes", so once
 * `locked_until` has passed it is active again, whether or not anyone has signed in since.
 */
export function statusAt(u: WUser, now: Date): Status {
  if (u.status === 'locked' && u.lockReason === 'failed_logins' && u.lockedUntilMin !== null) {
    return NOW.getTime() + u.lockedUntilMin * MINUTE <= now.getTime() ? 'active' : 'locked';
  }
  return u.status;
}

/**
 * SPEC §7 and API.md v1.1: a personal grant (approved request, validated token) counts while it is
 * in force: not revoked, and `now` is before its expiry (the expiry instant itself is past the
 * grant's last day, so at it the grant no longer counts).
 */
function grantInForce(g: WGrant, now: Date): boolean {
  return !g.revoked && now.getTime() < NOW.getTime() + g.expiresInMin * MINUTE;
}

/** SPEC §3 in plain code: may user `ui` view patient `pi` at `now`, and on which basis (the first that holds). */
export function modelDecide(w: World, ui: number, pi: number, now: Date = NOW): AccessBasis | null {
  const u = w.users[ui];
  const p = w.patients[pi];
  // Clinical viewers only: providers and their sponsored staff; the hospital's team is not one.
  if (statusAt(u, now) !== 'active' || u.kind === 'staff') return null;
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
    w.grants.some((g) => g.user === ui && g.patient === pi && g.basis === basis && grantInForce(g, now));
  if (grant('approved_request')) return 'approved_request';
  if (grant('token')) return 'token';
  return null;
}

/** Documents of a world: which patient (index, modulo), category and HL7 confidentiality. */
const docsArb = fc.array(
  fc.record({
    patient: fc.nat(3),
    category: fc.constantFrom('note', 'result'),
    confidentiality: fc.constantFrom('N', 'N', 'R', 'V'),
  }),
  { maxLength: 8 },
);

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
  const users: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
  const patients: unknown[][] = [[], [], [], []];
  const care: string[][] = [[], []];
  const roster: string[][] = [[], []];
  const grants: unknown[][] = [[], [], [], [], [], []];
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
        u.lockReason,
        u.lockedUntilMin === null ? null : new Date(NOW.getTime() + u.lockedUntilMin * MINUTE),
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
      grants[5].push(new Date(NOW.getTime() + g.expiresInMin * MINUTE));
    }
    out.push({ users: userIds, patients: patientIds });
  }
  await q(
    `INSERT INTO practices (id, name, search_name, address, phone, fax) SELECT id, 'P', 'p', 'a', '1', '2' FROM unnest($1::uuid[]) AS id`,
    [practices],
  );
  // Sponsors first (the sponsor FK), then everyone: insert without sponsor, then set it.
  await q(
    `INSERT INTO users (id, kind, email, first_name, last_name, npi, practice_id, status, sponsored_role, lock_reason, locked_until)
     SELECT id, kind, email, 'F', 'L', npi, practice_id, status, role, lock_reason, locked_until
       FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::char(10)[], $5::uuid[], $6::varchar[], $7::varchar[], $8::varchar[], $9::timestamptz[])
            AS t(id, kind, email, npi, practice_id, status, role, lock_reason, locked_until)`,
    [users[0], users[1], users[2], users[3], users[4], users[6], users[7], users[8], users[9]],
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
    `INSERT INTO access_grants (user_id, patient_id, basis, revoked_at, source_id, expires_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::timestamptz[], $5::uuid[], $6::timestamptz[])`,
    grants,
  );
  return out;
}

/** Every pair's basis, with the decision SQL of AccessDecisionService applied set-based. */
const PAIRS_SQL = `
  SELECT uu.id AS "userId", p.id AS "patientId", ${basisSql('v', 'p')} AS basis
    FROM unnest($1::uuid[]) AS uu(id)
   CROSS JOIN patients p
    LEFT JOIN LATERAL (${viewerCte('uu.id', '$3')}) v ON true
   WHERE p.id = ANY($2::uuid[])`;

let batches = 0;
/** Pairs where a user whose stored status is `locked` (an expired failed-sign-in lock) may view: the generator must produce them. */
let viewersWithExpiredLock = 0;
/** Unrevoked grants past their expiry: the generator must produce them (else expiry is never tested). */
let expiredGrants = 0;

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
      [ids.flatMap((x) => x.users), ids.flatMap((x) => x.patients), NOW],
    );
    if (process.env.PROP_TIMING) process.stderr.write(`insert ${t1 - t0} ms, decide ${Date.now() - t1} ms\n`);
    const got = new Map(rows.map((r) => [`${r.userId}/${r.patientId}`, r.basis]));
    for (const w of worlds) expiredGrants += w.grants.filter((g) => !g.revoked && g.expiresInMin <= 0).length;
    worlds.forEach((w, wi) => {
      w.users.forEach((_u, ui) =>
        w.patients.forEach((_p, pi) => {
          const expected = modelDecide(w, ui, pi);
          if (expected !== null && w.users[ui].status === 'locked') viewersWithExpiredLock++;
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
    t = await createTestApp({ now: NOW.toISOString() });
  });
  afterAll(() => t.close());

  it('agrees on every user × patient pair of 2,500 random worlds (50 batches of 50) (set-based SQL)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(worldArb, { minLength: 50, maxLength: 50 }), (worlds) =>
        checkBatch(t.dataSource, worlds),
      ),
      { numRuns: Number(process.env.PROP_RUNS ?? 50), endOnFailure: true },
    );
    expect(viewersWithExpiredLock).toBeGreaterThan(0);
    expect(expiredGrants).toBeGreaterThan(0);
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

  it('documents: a viewer sees only N documents (every page, any filter), withheld counts R and V; others get not_authorized (60 worlds)', async () => {
    const records = t.app.get(PatientRecordsService);
    let restrictedSeen = 0;
    await fc.assert(
      fc.asyncProperty(worldArb, docsArb, async (w, docs) => {
        const ids = await t.dataSource.transaction((m) =>
          insertWorlds((sql, params) => m.query(sql, params), [w]),
        );
        const patientDocs = w.patients.map((_p, pi) =>
          docs.filter((d) => d.patient % w.patients.length === pi),
        );
        await t.dataSource.query(
          `INSERT INTO clinical_documents (patient_id, external_id, category, occurred_at, title, body, confidentiality)
           SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::timestamptz[], $5::varchar[], $6::jsonb[], $7::varchar[])`,
          [
            docs.map((d) => ids[0].patients[d.patient % w.patients.length]),
            docs.map(() => `P-${randomUUID()}`),
            docs.map((d) => d.category),
            docs.map((_d, i) => new Date(NOW.getTime() - (i + 1) * MINUTE)),
            docs.map((d, i) => `${d.confidentiality}-${i}`),
            docs.map((d, i) => JSON.stringify(i % 2 ? { i } : `text ${i}`)),
            docs.map((d) => d.confidentiality),
          ],
        );
        // Model (SPEC §7, API.md v1.1): only N documents are shown, newest first; withheld = the record's R and V.
        for (let ui = 0; ui < Math.min(w.users.length, 3); ui++) {
          const user = { id: ids[0].users[ui], kind: w.users[ui].kind } as AuthUser;
          for (let pi = 0; pi < w.patients.length; pi++) {
            const all = patientDocs[pi].map((d) => ({ d, i: docs.indexOf(d) }));
            const withheld = all.filter(({ d }) => d.confidentiality !== 'N').length;
            restrictedSeen += withheld;
            for (const category of [undefined, 'note'] as const) {
              const expected = all
                .filter(({ d }) => d.confidentiality === 'N' && (!category || d.category === category))
                .sort((a, b) => a.i - b.i)
                .map(({ d, i }) => `${d.confidentiality}-${i}`);
              if (modelDecide(w, ui, pi) === null) {
                await expect(
                  records.documents(user, ids[0].patients[pi], { category }),
                ).rejects.toMatchObject({ code: 'not_authorized' });
                continue;
              }
              const titles: string[] = [];
              let cursor: string | undefined;
              do {
                const page = await records.documents(user, ids[0].patients[pi], {
                  category,
                  limit: 2,
                  cursor,
                });
                expect(page.withheld).toBe(withheld);
                titles.push(...page.items.map((d) => d.title));
                cursor = page.nextCursor ?? undefined;
              } while (cursor);
              expect(titles).toEqual(expected);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
    expect(restrictedSeen).toBeGreaterThan(0);
  }, 120_000);

  it('the model itself holds known cases (guards against a model that agrees by being vacuous)', () => {
    const w: World = {
      practices: 2,
      npiPool: POOL,
      users: [
        {
          kind: 'provider',
          status: 'active',
          lockReason: null,
          lockedUntilMin: null,
          practice: 0,
          npi: 0,
          sponsor: null,
        },
        {
          kind: 'sponsored',
          status: 'active',
          lockReason: null,
          lockedUntilMin: null,
          practice: null,
          npi: null,
          sponsor: 0,
        },
        {
          kind: 'provider',
          status: 'active',
          lockReason: null,
          lockedUntilMin: null,
          practice: 1,
          npi: 1,
          sponsor: null,
        },
        {
          kind: 'staff',
          status: 'active',
          lockReason: null,
          lockedUntilMin: null,
          practice: 0,
          npi: 2,
          sponsor: null,
        },
        {
          kind: 'provider',
          status: 'locked',
          lockReason: 'staff',
          lockedUntilMin: null,
          practice: 0,
          npi: 3,
          sponsor: null,
        },
        {
          kind: 'provider',
          status: 'locked',
          lockReason: 'failed_logins',
          lockedUntilMin: -1,
          practice: 0,
          npi: 4,
          sponsor: null,
        },
        {
          kind: 'provider',
          status: 'locked',
          lockReason: 'failed_logins',
          lockedUntilMin: 1,
          practice: 0,
          npi: 6,
          sponsor: null,
        },
      ],
      patients: [
        { pcp: 0, careTeam: [1, 2], portal: false },
        { pcp: 5, careTeam: [], portal: true },
      ],
      roster: [[1, 5]],
      grants: [
        { user: 0, patient: 1, basis: 'token', revoked: false, expiresInMin: 300 * DAY_MIN },
        { user: 1, patient: 1, basis: 'approved_request', revoked: true, expiresInMin: 300 * DAY_MIN },
        { user: 2, patient: 0, basis: 'token', revoked: false, expiresInMin: 0 },
        { user: 3, patient: 1, basis: 'token', revoked: false, expiresInMin: 300 * DAY_MIN },
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
    // A failed-sign-in lock whose 15 minutes are over no longer stops anything; one still running does.
    expect(modelDecide(w, 5, 0)).toBe('pcp_practice');
    expect(modelDecide(w, 6, 0)).toBeNull();
    expect(modelDecide(w, 6, 0, new Date(NOW.getTime() + 2 * MINUTE))).toBe('pcp_practice');
    // Grant expiry: one ending a minute after NOW counts until then and not at its expiry instant.
    const g: World = {
      ...w,
      patients: [{ pcp: null, careTeam: [], portal: true }],
      grants: [
        { user: 0, patient: 0, basis: 'approved_request', revoked: false, expiresInMin: 1 },
        { user: 2, patient: 0, basis: 'token', revoked: false, expiresInMin: 0 },
      ],
    };
    expect(modelDecide(g, 0, 0)).toBe('approved_request');
    expect(modelDecide(g, 0, 0, new Date(NOW.getTime() + MINUTE - 1))).toBe('approved_request');
    expect(modelDecide(g, 0, 0, new Date(NOW.getTime() + MINUTE))).toBeNull();
    expect(modelDecide(g, 2, 0)).toBeNull();
    // Staff never view, even with a grant in force.
    expect(modelDecide(w, 3, 1)).toBeNull();
  });
});
