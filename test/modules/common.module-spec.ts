import { DataSource } from 'typeorm';
import {
  affected,
  isUniqueViolation,
  one,
  returning,
  rows,
  violatedConstraint,
} from '../../src/database/sql.js';
import { Clock } from '../../src/common/time/clock.js';
import { createModuleTest, type ModuleTestContext } from '../support/module-test.js';

/**
 * The pattern of a module test: `createModuleTest({ imports: [XModule] })` once per file, then real
 * services and repositories through `t.get(...)`, on the file's own database. Here no feature module
 * is needed: the SQL toolkit is checked against PostgreSQL's real answers.
 */
describe('SQL toolkit (src/database/sql.ts) against PostgreSQL', () => {
  let t: ModuleTestContext;
  let ds: DataSource;

  beforeAll(async () => {
    t = await createModuleTest({ imports: [], now: '2026-12-01T09:00:00Z' });
    ds = t.dataSource;
    // A table of this test's own, in this file's own database.
    await ds.query(
      'CREATE TABLE toolkit_probe (id serial PRIMARY KEY, name text NOT NULL CONSTRAINT toolkit_probe_name_key UNIQUE, n int)',
    );
  });
  afterAll(() => t?.close());

  it('injects the fixed clock the test moves', () => {
    const clock = t.get(Clock);
    expect(clock.now().toISOString()).toBe('2026-12-01T09:00:00.000Z');
    t.clock.advance(60_000);
    expect(clock.now().toISOString()).toBe('2026-12-01T09:01:00.000Z');
  });

  it('isUniqueViolation recognises a real unique violation, of the named constraint only', async () => {
    await ds.query(`INSERT INTO toolkit_probe (name) VALUES ('dup')`);
    const error = await ds.query(`INSERT INTO toolkit_probe (name) VALUES ('dup')`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, 'toolkit_probe_name_key')).toBe(true);
    expect(isUniqueViolation(error, 'users_email_key')).toBe(false);
    expect(violatedConstraint(error)).toBe('toolkit_probe_name_key');
  });

  it('isUniqueViolation is false for other database errors', async () => {
    const notNull = await ds.query('INSERT INTO toolkit_probe (name) VALUES (NULL)').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(notNull).toBeDefined();
    expect(isUniqueViolation(notNull)).toBe(false);
    expect(violatedConstraint(notNull)).toBeUndefined();
  });

  it('rows/one/returning/affected give rows and counts whatever shape the driver answers with', async () => {
    const inserted = await rows<{ id: number }>(
      ds,
      `INSERT INTO toolkit_probe (name, n) VALUES ('a', 1), ('b', 2) RETURNING id`,
    );
    expect(inserted).toHaveLength(2);
    expect(await one<{ n: number }>(ds, 'SELECT n FROM toolkit_probe WHERE name = $1', ['b'])).toEqual({
      n: 2,
    });
    expect(await one(ds, 'SELECT n FROM toolkit_probe WHERE name = $1', ['nobody'])).toBeUndefined();
    const updated = await returning<{ name: string }>(
      ds,
      `UPDATE toolkit_probe SET n = n + 10 WHERE name IN ('a', 'b') RETURNING name`,
    );
    expect(updated.map((r) => r.name).sort()).toEqual(['a', 'b']);
    expect(await affected(ds, `DELETE FROM toolkit_probe WHERE name IN ('a', 'b', 'nobody')`)).toBe(2);
  });

  it('runs several statements in the caller transaction and rolls them back together', async () => {
    await ds
      .transaction(async (manager) => {
        await manager.query(`INSERT INTO toolkit_probe (name) VALUES ('tx')`);
        await manager.query(`INSERT INTO toolkit_probe (name) VALUES ('tx')`);
      })
      .catch((e: unknown) => expect(isUniqueViolation(e, 'toolkit_probe_name_key')).toBe(true));
    expect(await one(ds, `SELECT id FROM toolkit_probe WHERE name = 'tx'`)).toBeUndefined();
  });
});
