import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { verifyAuditChain } from '../src/modules/audit/audit-chain.js';
import { AuditService } from '../src/modules/audit/audit.service.js';
import { createTestApp, type TestContext } from './support/test-app.js';
import { databaseUrl } from './support/test-db.js';

const run = promisify(execFile);

describe('audit trail: append-only and hash-chained (e2e)', () => {
  let t: TestContext;
  let audit: AuditService;
  const verify = () => verifyAuditChain((sql, params) => t.dataSource.query(sql, params));

  beforeAll(async () => {
    t = await createTestApp();
    audit = t.app.get(AuditService);
    for (let i = 0; i < 5; i++) {
      await audit.record({
        actorId: null,
        actorKind: 'system',
        action: 'test.event',
        outcome: 'success',
        details: { i, note: 'ünïcödé' },
      });
    }
  });
  afterAll(() => t.close());

  it('chains each entry to the previous one and verifies intact', async () => {
    const rows = await t.dataSource.query(`SELECT id, prev_hash, hash FROM audit_events ORDER BY id`);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows[0].prev_hash).toBeNull();
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    for (const row of rows) expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    const report = await verify();
    expect(report).toMatchObject({ ok: true, checked: rows.length, firstBreak: null });
    expect(report.head?.hash).toBe(rows[rows.length - 1].hash);
  });

  it('keeps the chain linear under concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.dataSource.transaction((m) =>
          audit.record(
            {
              actorId: null,
              actorKind: 'system',
              action: 'test.concurrent',
              outcome: 'success',
              details: { i },
            },
            m,
          ),
        ),
      ),
    );
    expect((await verify()).ok).toBe(true);
  });

  it('records a batch in one statement, in the given order, chained like single entries', async () => {
    const entries = [3, 1, 2].map((i) => ({
      actorId: null,
      actorKind: 'system',
      action: 'test.batch',
      outcome: 'success' as const,
      details: { i },
    }));
    await Promise.all([audit.recordMany(entries), audit.recordMany(entries.slice(0, 1))]);
    const rows = await t.dataSource.query(`SELECT details FROM audit_events WHERE action = 'test.batch' ORDER BY id`);
    expect(rows).toHaveLength(4);
    const order = rows.map((r: { details: { i: number } }) => r.details.i).join(',');
    expect(['3,1,2,3', '3,3,1,2']).toContain(order);
    expect((await verify()).ok).toBe(true);
  });

  it.each([
    ['UPDATE', `UPDATE audit_events SET outcome = 'denied'`],
    ['DELETE', `DELETE FROM audit_events`],
    ['TRUNCATE', `TRUNCATE audit_events`],
    [
      'UPDATE of the hash',
      `UPDATE audit_events SET hash = repeat('0', 64) WHERE id = (SELECT max(id) FROM audit_events)`,
    ],
  ])('refuses %s, even for a superuser', async (_label, sql) => {
    await expect(t.dataSource.query(sql)).rejects.toThrow(/append-only/);
  });

  it('refuses to chain inside a REPEATABLE READ transaction rather than fork the chain', async () => {
    await expect(
      t.dataSource.transaction('REPEATABLE READ', (m) =>
        audit.record({ actorId: null, actorKind: 'system', action: 'test.rr', outcome: 'success' }, m),
      ),
    ).rejects.toThrow(/READ COMMITTED/);
  });

  it('reports an intact chain from the CLI with exit code 0', async () => {
    await run('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
    const cli = await run('node', ['dist/scripts/audit-verify.js'], {
      env: { ...process.env, DATABASE_URL: databaseUrl(t.databaseName) },
    });
    expect(cli.stdout).toMatch(/OK: \d+ audit entries, chain intact/);
  }, 60_000);

  it('detects tampering done by disabling the triggers, and names the first broken entry', async () => {
    const client = new pg.Client({ connectionString: databaseUrl(t.databaseName) });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT id FROM audit_events ORDER BY id LIMIT 3`);
      const target = rows[1].id;
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
      await client.query(`UPDATE audit_events SET details = '{"i": 99}' WHERE id = $1`, [target]);
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
      const report = await verify();
      expect(report.ok).toBe(false);
      expect(report.firstBreak).toMatchObject({ id: String(target), reason: 'hash_mismatch' });

      // The CLI reports it too (exit code 1), through the script compiled by the test above.
      const cli = await run('node', ['dist/scripts/audit-verify.js'], {
        env: { ...process.env, DATABASE_URL: databaseUrl(t.databaseName) },
      }).catch((e) => e);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(`BROKEN at audit entry ${target}`);

      // Deleting a row (trigger disabled) breaks the next link.
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
      await client.query(`UPDATE audit_events SET details = '{"i": 1, "note": "ünïcödé"}' WHERE id = $1`, [
        target,
      ]);
      await client.query(`DELETE FROM audit_events WHERE id = $1`, [target]);
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
      const after = await verify();
      expect(after.firstBreak).toMatchObject({ id: String(rows[2].id), reason: 'prev_hash_mismatch' });
    } finally {
      await client.end();
    }
  }, 60_000);
});
