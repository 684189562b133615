// The database's ceiling per scenario (issue 15, goal 3): the same statements a request of the
// scenario sends — the app's own SQL, as captured from dist/ (bench/hot-path-sql.mjs) — run by
// `pgbench -M prepared` at the pool's concurrency on the same scratch database, no HTTP, no Node.
// `fraction` = app req/s ÷ pgbench tps: how close the app gets to what PostgreSQL alone sustains.
//
// What differs from a request, by construction: each pgbench transaction first reads its
// parameters (viewer, session, patient, MRN) from a small keyed table (one primary-key lookup,
// `\gset`), so the ceiling is slightly pessimistic; values the app binds as parameters are
// literals or now() where pgbench has no variable (instants, JSON details, one-element arrays);
// the documents page's to_char format spells its ':' as chr(58) (pgbench reads ':name' as a
// variable even inside quotes). The Redis rate-limiter calls are not database work and are left out.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** $n → the pgbench expression for parameter n (1-based), whitespace collapsed to one line. */
function sub(text, params) {
  // Quoted literals with ':name' inside (pgbench would read a variable) spelt with chr(58);
  // done on the app's text, before the values go in, so literals pair up.
  const safe = text.replace(/'[^']*'/g, (lit) =>
    /:[A-Za-z_]/.test(lit)
      ? `(${lit
          .slice(1, -1)
          .split(':')
          .map((p) => `'${p}'`)
          .join(' || chr(58) || ')})`
      : lit,
  );
  return safe
    .replace(/\$(\d+)/g, (_, n) => {
      const v = params[Number(n) - 1];
      if (v === undefined) throw new Error(`no pgbench value for $${n} in ${text.slice(0, 60)}`);
      return v;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

const stmt = (st, params) => `${sub(st.text, params)};`;

/** The pgbench script of one scenario (statements in the app's order, autocommit or BEGIN/COMMIT as the app). */
export function pgbenchScript(name, S, table, n) {
  const head = [
    `\\set k random(1, ${n})`,
    `SELECT uid, sid, pid, mrn, kind, denied, hash, email FROM ${table} WHERE k = :k \\gset`,
  ];
  const principal = stmt(S.principal, [':sid', ':uid', 'now()']);
  const audit = (action) =>
    stmt(S.auditInsert, [
      'now()',
      ':uid',
      ':kind',
      `'${action}'`,
      ':pid::uuid',
      'NULL',
      "'success'",
      'jsonb_build_object()',
    ]);
  switch (name) {
    case 'search_mrn':
      return [
        ...head,
        principal,
        stmt(S.searchMrn, [':uid', ':mrn', 'now()']),
        '\\if :denied',
        stmt(S.pendingNonPcp, [':uid', 'ARRAY[:pid::uuid]', 'now()']),
        stmt(S.pendingPcp, [':uid', 'ARRAY[:pid::uuid]']),
        '\\endif',
        stmt(S.auditInsertMany, [
          'now()',
          'ARRAY[:uid::uuid]',
          'ARRAY[:kind::text]',
          "ARRAY['patient.search']",
          'ARRAY[:pid::uuid]',
          'ARRAY[NULL::text]',
          "ARRAY['success']",
          "ARRAY[jsonb_build_object('by', 'mrn', 'results', 1)]",
        ]),
        '\\if :denied',
        stmt(S.alertIsOpen, ["'unusual_search:' || :uid"]),
        '\\endif',
      ];
    case 'patient_summary':
      return [
        ...head,
        principal,
        stmt(S.authorize, [':uid', ':pid', 'now()']),
        audit('patient.view'),
        stmt(S.people, [':pid']),
        stmt(S.recordOpen, [':uid', ':pid', 'now()']),
      ];
    case 'documents_list':
      return [
        ...head,
        principal,
        stmt(S.authorize, [':uid', ':pid', 'now()']),
        audit('patient.documents'),
        stmt(S.documentsFirstPage, [':pid', '51']),
        stmt(S.withheldCount, [':pid']),
      ];
    case 'token_validate':
      return [
        ...head,
        principal,
        stmt(S.patientByMrn, [':mrn']),
        'BEGIN;',
        stmt(S.spendInvitation, [':hash', ':pid', 'now()', ':uid', ':email']),
        stmt(S.upsertGrant, [':uid', ':pid', "'token'", 'NULL', 'now()', "now() + interval '12 months'"]),
        audit('access.grant'),
        audit('token.validate'),
        'COMMIT;',
      ];
    default:
      throw new Error(`no pgbench script for ${name}`);
  }
}

/**
 * Loads the parameter table of a scenario: `items` [{ viewer, patientId, mrn, denied }] (token_validate:
 * fresh invitations are issued here, addressed to each viewer, so the spend really writes).
 */
async function loadItems(db, name, table, items) {
  await db.query(`CREATE SCHEMA IF NOT EXISTS bench`);
  await db.query(`DROP TABLE IF EXISTS ${table}`);
  await db.query(
    `CREATE TABLE ${table} (k int PRIMARY KEY, uid uuid, sid uuid, pid uuid, mrn text, kind text, denied int, hash text, email text)`,
  );
  await db.query(
    `INSERT INTO ${table} (k, uid, sid, pid, mrn, kind, denied, email)
     SELECT t.k, t.uid, t.sid, t.pid, t.mrn, t.kind, t.denied, t.email
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int[], $7::text[]) WITH ORDINALITY
            AS t(uid, sid, pid, mrn, kind, denied, email, k)`,
    [
      items.map((i) => i.viewer.id),
      items.map((i) => i.viewer.sid),
      items.map((i) => i.patientId),
      items.map((i) => i.mrn),
      items.map((i) => i.viewer.kind),
      items.map((i) => (i.denied ? 1 : 0)),
      items.map((i) => i.viewer.email),
    ],
  );
  if (name === 'token_validate') {
    await db.query(`UPDATE ${table} SET hash = md5(k::text || 'pgb-a') || md5(k::text || 'pgb-b')`);
    await db.query(
      `INSERT INTO invitations (patient_id, token_hash, recipient_email, issued_by_kind, created_at, expires_at)
       SELECT pid, hash, email, 'portal', now(), now() + interval '6 months' FROM ${table}`,
    );
  }
  await db.query(`ANALYZE ${table}`);
}

function pgbench(args, env) {
  return new Promise((resolve) => {
    const child = spawn('pgbench', args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => resolve({ code: -1, out: String(e) }));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

/**
 * pgbench ceiling of one scenario. Returns { tps, clients, seconds, failed, latencyMsMean } or { error }.
 * `items`: parameter rows (see loadItems); `url`: the scratch database.
 */
export async function measureCeiling({ db, url, name, statements, items, clients, seconds }) {
  const table = `bench.pgb_${name}`;
  await loadItems(db, name, table, items);
  const dir = mkdtempSync(join(tmpdir(), 'mypatients-pgbench-'));
  try {
    const script = pgbenchScript(name, statements, table, items.length);
    const file = join(dir, `${name}.sql`);
    writeFileSync(file, `${script.join('\n')}\n`);
    const u = new URL(url);
    const { code, out } = await pgbench(
      [
        '-n',
        '-M',
        'prepared',
        '-c',
        String(clients),
        '-j',
        '2',
        '-T',
        String(seconds),
        '-f',
        file,
        '-h',
        u.hostname,
        '-p',
        u.port || '5432',
        '-U',
        decodeURIComponent(u.username || 'postgres'),
        u.pathname.slice(1),
      ],
      u.password
        ? { PGPASSWORD: decodeURIComponent(u.password), PGAPPNAME: 'mypatients-bench-pgbench' }
        : { PGAPPNAME: 'mypatients-bench-pgbench' },
    );
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1];
    const lat = /latency average = ([\d.]+) ms/.exec(out)?.[1];
    const failed = /number of failed transactions: (\d+)/.exec(out)?.[1];
    if (code !== 0 || !tps) return { error: `pgbench exit ${code}: ${out.slice(-600)}`, script };
    return {
      tps: Math.round(Number(tps) * 10) / 10,
      clients,
      seconds,
      latencyMsMean: lat ? Number(lat) : null,
      failed: failed ? Number(failed) : 0,
      statementsPerTransaction: script.filter((l) => !l.startsWith('\\')).length - 1,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
}
