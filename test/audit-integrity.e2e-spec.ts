import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { baseDataSourceOptions } from '../src/database/database-options.js';
import {
  AuditSealer,
  AuditService,
  keyRing,
  readCheckpoints,
  trailOf,
  verifyAuditTrail,
} from '../src/modules/audit/index.js';
import { AuditSealsRepository } from '../src/modules/audit/audit-seals.repository.js';
import { createTestApp, type TestContext } from './support/test-app.js';
import { databaseUrl, withAdmin } from './support/test-db.js';

/**
 * Issue 14: the trail holds against someone who holds the database but not AUDIT_HMAC_KEY, and
 * against a cut tail (checkpoints outside the database). Sealing is driven by the tests
 * (`sealPending`); the in-process interval is off in tests.
 */
const run = promisify(execFile);
const KEY = 'test-audit-key-0123456789abcdef-0123456789';

interface World {
  t: TestContext;
  dir: string;
  audit: AuditService;
  sealer: AuditSealer;
  sql: (text: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;
  verify: (key?: string) => ReturnType<typeof verifyAuditTrail>;
  record: (n: number, action?: string) => Promise<void>;
  close: () => Promise<void>;
}

async function world(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'mp-audit-'));
  const t = await createTestApp({ env: { AUDIT_HMAC_KEY: KEY, AUDIT_CHECKPOINT_DIR: dir } });
  const audit = t.app.get(AuditService);
  return {
    t,
    dir,
    audit,
    sealer: t.app.get(AuditSealer),
    sql: (text, params = []) => t.dataSource.query(text, params),
    verify: async (key = KEY) =>
      verifyAuditTrail(trailOf(t.dataSource), keyRing(key), (await readCheckpoints(dir)).checkpoints),
    record: async (n, action = 'test.event') => {
      for (let i = 0; i < n; i++) {
        await audit.record({
          actorId: null,
          actorKind: 'system',
          action,
          outcome: 'success',
          details: { i, note: 'ünïcödé' },
        });
      }
    },
    close: async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** As the database superuser, with the triggers off: what someone holding the database can do. */
async function asDatabaseHolder(w: World, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(w.t.databaseName) });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL session_replication_role = replica`); // foreign keys and triggers off
    for (const s of statements) await client.query(s);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

const unsealed = async (w: World) =>
  Number(
    (
      await w.sql(
        `SELECT count(*) AS n FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.id = e.id)`,
      )
    )[0].n,
  );

describe('audit trail integrity: sealing (e2e)', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(() => w.close());

  it('seals committed entries in id order in batches, with a signed checkpoint per batch', async () => {
    await w.record(25);
    const result = await w.sealer.sealPending({ batchSize: 10 });
    expect(result).toMatchObject({ sealed: 25, stopped: 'done' });
    expect(await unsealed(w)).toBe(0);
    const { checkpoints } = await readCheckpoints(w.dir);
    expect(checkpoints.map((c) => c.count)).toEqual([10, 20, 25]);
    expect(checkpoints[2]).toMatchObject({
      lastId: result.lastId,
      link: expect.stringMatching(/^[0-9a-f]{64}$/),
      sig: expect.any(String),
    });
    expect(await w.verify()).toMatchObject({ status: 'intact', sealed: 25, unsealed: 0, checkpoints: 3 });
  });

  it('reports entries newer than the last seal as not sealed yet, not as broken', async () => {
    await w.record(3);
    expect(await w.verify()).toMatchObject({ status: 'intact', sealed: 25, unsealed: 3 });
    await w.sealer.sealPending();
  });

  it('does not seal past an entry whose transaction is still open, then seals it in id order once it commits', async () => {
    const open = w.t.dataSource.createQueryRunner();
    await open.connect();
    await open.startTransaction();
    await w.audit.record(
      { actorId: null, actorKind: 'system', action: 'test.late', outcome: 'success' },
      open.manager,
    );
    await w.record(2, 'test.after_late');
    expect(await w.sealer.sealPending({ waitMs: 100 })).toMatchObject({ sealed: 0, stopped: 'waiting' });
    await open.commitTransaction();
    await open.release();
    expect(await w.sealer.sealPending()).toMatchObject({ sealed: 3 });
    const order = await w.sql(
      `SELECT e.action FROM audit_seals s JOIN audit_events e ON e.id = s.id ORDER BY s.id DESC LIMIT 3`,
    );
    expect(order.map((r) => r.action)).toEqual(['test.after_late', 'test.after_late', 'test.late']);
    expect((await w.verify()).status).toBe('intact');
  });

  it('does not seal past an open entry whose transaction took the newest xid but an older id than a committed one', async () => {
    // A snapshot's in-progress list leaves out xids newer than every finished transaction: here the
    // open transaction's. Sealing the committed later id would leave the open one outside the chain.
    const entry = { actorId: null, actorKind: 'system', outcome: 'success' } as const;
    const older = w.t.dataSource.createQueryRunner();
    const newer = w.t.dataSource.createQueryRunner();
    await older.connect();
    await newer.connect();
    try {
      await older.startTransaction();
      await older.query('SELECT pg_current_xact_id()'); // the older xid, no entry yet
      await newer.startTransaction();
      await w.audit.record({ ...entry, action: 'test.newest_xid' }, newer.manager); // newest xid, id N
      await w.audit.record({ ...entry, action: 'test.older_xid' }, older.manager); // older xid, id N + 1
      await older.commitTransaction();
      expect(await w.sealer.sealPending({ waitMs: 100 })).toMatchObject({ sealed: 0, stopped: 'waiting' });
      await newer.commitTransaction();
      expect(await w.sealer.sealPending()).toMatchObject({ sealed: 2 });
      const order = await w.sql(
        `SELECT e.action FROM audit_seals s JOIN audit_events e ON e.id = s.id ORDER BY s.id DESC LIMIT 2`,
      );
      expect(order.map((r) => r.action)).toEqual(['test.older_xid', 'test.newest_xid']);
      expect(await w.verify()).toMatchObject({ status: 'intact', unsealed: 0 });
    } finally {
      for (const runner of [older, newer]) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
    }
  });

  it('is not held back by a transaction left open in another database on the same server', async () => {
    // Transaction ids are server-wide: an idle transaction elsewhere must not stall this trail's sealing.
    const elsewhere = new pg.Client({ connectionString: databaseUrl('postgres') });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()');
      await w.record(3, 'test.beside_other_database');
      expect(await w.sealer.sealPending({ waitMs: 2000 })).toMatchObject({ sealed: 3 });
      expect((await w.verify()).status).toBe('intact');
    } finally {
      await elsewhere.query('ROLLBACK').catch(() => undefined);
      await elsewhere.end();
    }
  });

  it('two instances sealing while entries arrive leave no gaps and no double links', async () => {
    const other = await w.t.startAnotherInstance();
    try {
      const sealers = [w.sealer, other.app.get(AuditSealer)];
      const audits = [w.audit, other.app.get(AuditService)];
      for (let round = 0; round < 6; round++) {
        await Promise.all([
          ...Array.from({ length: 20 }, (_, i) =>
            audits[i % 2].record({
              actorId: null,
              actorKind: 'system',
              action: 'test.two',
              outcome: 'success',
              details: { round, i },
            }),
          ),
          ...sealers.map((s) => s.sealPending({ batchSize: 7 })),
        ]);
      }
      for (let i = 0; i < 10 && (await unsealed(w)) > 0; i++) await sealers[i % 2].sealPending();
      expect(await unsealed(w)).toBe(0);
      const [counts] =
        await w.sql(`SELECT (SELECT count(*) FROM audit_events)::int AS entries, (SELECT count(*) FROM audit_seals)::int AS seals,
                                           (SELECT count(*) FROM audit_seal_state WHERE count = (SELECT count(*) FROM audit_seals))::int AS consistent`);
      expect(counts).toEqual({ entries: counts.seals, seals: counts.seals, consistent: 1 });
      expect(await w.verify()).toMatchObject({ status: 'intact', unsealed: 0 });
    } finally {
      await other.close();
    }
  });

  it('a sealer killed mid-batch leaves nothing half-done, and the next round resumes', async () => {
    await w.record(30, 'test.crash');
    const before = Number((await w.sql(`SELECT count(*) AS n FROM audit_seals`))[0].n);
    let batches = 0;
    const killed = w.sealer.sealPending({
      batchSize: 10,
      onBatch: async (manager) => {
        if (++batches !== 2) return;
        const [{ pid }] = await manager.query(`SELECT pg_backend_pid() AS pid`);
        await withAdmin((admin) => admin.query(`SELECT pg_terminate_backend($1)`, [pid]));
      },
    });
    await expect(killed).rejects.toThrow();
    expect(Number((await w.sql(`SELECT count(*) AS n FROM audit_seals`))[0].n)).toBe(before + 10);
    const [state] = await w.sql(`SELECT count::int AS count FROM audit_seal_state`);
    expect(state.count).toBe(before + 10);
    expect(await w.sealer.sealPending()).toMatchObject({ sealed: 20 });
    expect(await w.verify()).toMatchObject({ status: 'intact', unsealed: 0 });
  });
});

describe('audit trail integrity: tampering by someone who holds the database (e2e)', () => {
  let w: World;
  let ids: string[];
  beforeEach(async () => {
    w = await world();
    await w.record(20);
    await w.sealer.sealPending({ batchSize: 8 });
    ids = (await w.sql(`SELECT id::text AS id FROM audit_events ORDER BY audit_events.id`)).map((r) =>
      String(r.id),
    );
  });
  afterEach(() => w.close());

  it('detects a rewritten entry even with every public hash recomputed (issue 21 item 3)', async () => {
    const target = ids[5];
    await asDatabaseHolder(w, [
      `UPDATE audit_events SET details = '{"i": 99}' WHERE id = ${target}`,
      // Re-hash every row with the public formula, as a database holder can.
      `WITH RECURSIVE chain AS (
         (SELECT id, encode(sha256(convert_to(audit_event_canonical(id, at, actor_id, actor_kind, action, patient_id, basis, outcome, details), 'UTF8')), 'hex') AS hash, NULL::text AS prev
            FROM audit_events ORDER BY id LIMIT 1)
         UNION ALL
         SELECT n.id, encode(sha256(convert_to(c.hash || audit_event_canonical(n.id, n.at, n.actor_id, n.actor_kind, n.action, n.patient_id, n.basis, n.outcome, n.details), 'UTF8')), 'hex'), c.hash
           FROM chain c CROSS JOIN LATERAL (SELECT * FROM audit_events e WHERE e.id > c.id ORDER BY e.id LIMIT 1) n)
       UPDATE audit_events e SET hash = chain.hash, prev_hash = chain.prev FROM chain WHERE chain.id = e.id`,
    ]);
    expect(await w.verify()).toMatchObject({ status: 'broken', brokenAt: target });
  });

  it('detects a rewritten entry whose seals were removed and the position rolled back, and the sealer refuses to re-seal over it', async () => {
    const target = ids[5];
    await asDatabaseHolder(w, [
      `UPDATE audit_events SET details = '{"i": 99}' WHERE id = ${target}`,
      `DELETE FROM audit_seals WHERE id >= ${target}`,
      `UPDATE audit_seal_state SET last_id = ${ids[4]}, count = 5, link = (SELECT link FROM audit_seals WHERE id = ${ids[4]})`,
    ]);
    expect(await w.verify()).toMatchObject({
      status: 'broken',
      problem: expect.stringMatching(/the trail ends before checkpoint/),
    });
    await expect(w.sealer.sealPending()).rejects.toThrow(/refusing to seal/);
    // A fresh instance reads the checkpoints from the folder and refuses too.
    const other = await w.t.startAnotherInstance();
    try {
      await expect(other.app.get(AuditSealer).sealPending()).rejects.toThrow(/refusing to seal/);
    } finally {
      await other.close();
    }
  });

  it('detects a cut tail (entries, seals and position removed together) against the checkpoints', async () => {
    const keep = ids[11];
    await asDatabaseHolder(w, [
      `DELETE FROM audit_seals WHERE id > ${keep}`,
      `DELETE FROM audit_events WHERE id > ${keep}`,
      `UPDATE audit_seal_state SET last_id = ${keep}, count = 12, link = (SELECT link FROM audit_seals WHERE id = ${keep})`,
    ]);
    const report = await w.verify();
    expect(report).toMatchObject({ status: 'broken', sealed: 12 });
    expect(report.problem).toMatch(/the trail ends before checkpoint \d+ .*entries were removed/);
  });

  it('detects a removed entry in the middle (the next link no longer matches)', async () => {
    await asDatabaseHolder(w, [
      `DELETE FROM audit_seals WHERE id = ${ids[3]}`,
      `DELETE FROM audit_events WHERE id = ${ids[3]}`,
    ]);
    expect(await w.verify()).toMatchObject({ status: 'broken', brokenAt: ids[4] });
  });

  it('with a wrong key the trail is "cannot verify", not intact', async () => {
    const report = await w.verify('another-key-that-is-long-enough-0123456789');
    expect(report.status).toBe('cannot_verify');
    expect(report.problem).toMatch(/does not verify with the configured key/);
  });

  it('npm run audit:verify exits 0 when intact, 1 when broken, 2 with a wrong key', async () => {
    const out = join(process.cwd(), 'node_modules/.cache/mp-audit-verify-test');
    // Other files may not typecheck mid-refactor; tsc still emits, and only this script's output matters.
    await run('node', [
      'node_modules/typescript/bin/tsc',
      '-p',
      'tsconfig.build.json',
      '--outDir',
      out,
    ]).catch(() => undefined);
    expect(readdirSync(join(out, 'scripts'))).toContain('audit-verify.js');
    const cli = (env: Record<string, string>) =>
      run('node', [join(out, 'scripts/audit-verify.js')], {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: databaseUrl(w.t.databaseName),
          AUDIT_HMAC_KEY: KEY,
          AUDIT_CHECKPOINT_DIR: w.dir,
          ...env,
        },
      }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          stdout: e.stdout,
          stderr: e.stderr,
        }),
      );
    const intact = await cli({});
    expect(intact).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/OK: 20 sealed audit entries intact/),
    });
    const wrongKey = await cli({ AUDIT_HMAC_KEY: 'another-key-that-is-long-enough-0123456789' });
    expect(wrongKey).toMatchObject({ code: 2, stderr: expect.stringMatching(/CANNOT VERIFY/) });
    await asDatabaseHolder(w, [`UPDATE audit_events SET outcome = 'denied' WHERE id = ${ids[2]}`]);
    const broken = await cli({});
    expect(broken).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`BROKEN at audit entry ${ids[2]}`),
    });
    expect(
      readFileSync(join(w.dir, readdirSync(w.dir)[0]), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(3);
  }, 240_000);
});

describe('audit trail integrity: the runtime role (e2e)', () => {
  let w: World;
  const role = `mp_rt_${randomBytes(4).toString('hex')}`;
  let runtime: pg.Client;
  let runtimeUrl: string;
  beforeAll(async () => {
    w = await world();
    await w.record(5);
    // What docs/audit.md asks of an operator: a login role that is a member of mypatients_runtime.
    await withAdmin((admin) => admin.query(`CREATE ROLE ${role} LOGIN IN ROLE mypatients_runtime`));
    const url = new URL(databaseUrl(w.t.databaseName));
    url.username = role;
    runtimeUrl = url.toString();
    runtime = new pg.Client({ connectionString: runtimeUrl });
    await runtime.connect();
  });
  afterAll(async () => {
    await runtime.end();
    await w.close();
    await withAdmin((admin) => admin.query(`DROP ROLE IF EXISTS ${role}`));
  });

  it('may write and read audit entries', async () => {
    await runtime.query(
      `INSERT INTO audit_events (id, at, actor_kind, action, outcome, details) VALUES (audit_next_id(), now(), 'system', 'test.runtime', 'success', '{}')`,
    );
    const { rows } = await runtime.query(`SELECT count(*)::int AS n FROM audit_events`);
    expect(rows[0].n).toBe(6);
  });

  it.each([
    ['UPDATE', `UPDATE audit_events SET outcome = 'denied'`, /permission denied/],
    ['DELETE', `DELETE FROM audit_events`, /permission denied/],
    ['TRUNCATE', `TRUNCATE audit_events CASCADE`, /permission denied/],
    ['ALTER TABLE … DISABLE TRIGGER', `ALTER TABLE audit_events DISABLE TRIGGER USER`, /must be owner/],
    ['ALTER TABLE … DROP COLUMN', `ALTER TABLE audit_events DROP COLUMN details`, /must be owner/],
    ['DROP TABLE', `DROP TABLE audit_seals`, /must be owner/],
    ['UPDATE of a seal', `UPDATE audit_seals SET link = repeat('0', 64)`, /permission denied/],
    ['replica mode (triggers off)', `SET session_replication_role = replica`, /permission denied/],
    ['CREATE TABLE', `CREATE TABLE audit_shadow (id int)`, /permission denied/],
  ])('is refused %s on the audit tables', async (_label, sql, error) => {
    await expect(runtime.query(sql)).rejects.toThrow(error);
  });

  it('seals and verifies with no more than those rights', async () => {
    const ds = new DataSource({ ...baseDataSourceOptions({ databaseUrl: runtimeUrl }), extra: { max: 2 } });
    await ds.initialize();
    try {
      const sealer = new AuditSealer(new AuditSealsRepository(ds), ds, w.t.clock, w.t.config);
      expect(await sealer.sealPending()).toMatchObject({ sealed: 6, stopped: 'done' });
      expect(
        await verifyAuditTrail(trailOf(ds), keyRing(KEY), (await readCheckpoints(w.dir)).checkpoints),
      ).toMatchObject({ status: 'intact', sealed: 6 });
    } finally {
      await ds.destroy();
    }
  });
});
