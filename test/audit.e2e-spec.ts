import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditSealer, AuditService } from '../src/modules/audit/index.js';
import { createPatient, createUser, tokenFor } from './factories/index.js';
import { createTestApp, type TestContext } from './support/test-app.js';

/** The request path of the audit trail; sealing, verification and tampering: test/audit-integrity.e2e-spec.ts. */
describe('audit trail: append-only entries written on the request path (e2e)', () => {
  let t: TestContext;
  let audit: AuditService;
  const entry = (action: string, details: Record<string, unknown> = {}) => ({
    actorId: null,
    actorKind: 'system',
    action,
    outcome: 'success' as const,
    details,
  });

  const checkpointDir = mkdtempSync(join(tmpdir(), 'mp-audit-'));

  beforeAll(async () => {
    t = await createTestApp({ env: { AUDIT_CHECKPOINT_DIR: checkpointDir } });
    audit = t.app.get(AuditService);
    for (let i = 0; i < 3; i++) await audit.record(entry('test.event', { i, note: 'ünïcödé' }));
  });
  afterAll(async () => {
    await t.close();
    rmSync(checkpointDir, { recursive: true, force: true });
  });

  it('writes a plain row: no legacy hash, no seal until the sealer runs', async () => {
    const rows = await t.dataSource.query(
      `SELECT e.hash, e.prev_hash, s.id AS sealed FROM audit_events e LEFT JOIN audit_seals s ON s.id = e.id WHERE e.action = 'test.event'`,
    );
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toEqual({ hash: null, prev_hash: null, sealed: null });
  });

  it('takes no lock that outlives the insert: a second writer commits while the first transaction is still open', async () => {
    const first = t.dataSource.createQueryRunner();
    await first.connect();
    await first.startTransaction();
    try {
      await audit.record(entry('test.open'), first.manager);
      const second = audit.record(entry('test.while_open'));
      await expect(
        Promise.race([
          second.then(() => 'committed'),
          new Promise((r) => setTimeout(() => r('blocked'), 2000)),
        ]),
      ).resolves.toBe('committed');
    } finally {
      await first.rollbackTransaction();
      await first.release();
    }
    const rows = await t.dataSource.query(
      `SELECT action FROM audit_events WHERE action IN ('test.open', 'test.while_open')`,
    );
    expect(rows).toEqual([{ action: 'test.while_open' }]);
  });

  it('records a batch in one statement, ids in the given order', async () => {
    const entries = [3, 1, 2].map((i) => entry('test.batch', { i }));
    await Promise.all([audit.recordMany(entries), audit.recordMany(entries.slice(0, 1))]);
    const rows = await t.dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'test.batch' ORDER BY id`,
    );
    const order = rows.map((r: { details: { i: number } }) => r.details.i).join(',');
    expect(['3,1,2,3', '3,3,1,2']).toContain(order);
  });

  it('writes entries in REPEATABLE READ transactions too (nothing depends on the head any more)', async () => {
    await t.dataSource.transaction('REPEATABLE READ', (m) => audit.record(entry('test.rr'), m));
    const rows = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.rr'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it.each([
    ['UPDATE', `UPDATE audit_events SET outcome = 'denied'`],
    ['DELETE', `DELETE FROM audit_events`],
    ['TRUNCATE', `TRUNCATE audit_events CASCADE`],
    ['UPDATE of a seal', `UPDATE audit_seals SET link = repeat('0', 64)`],
    ['DELETE of a seal', `DELETE FROM audit_seals`],
    ['TRUNCATE of the seals', `TRUNCATE audit_seals`],
    ['DELETE of the sealer position', `DELETE FROM audit_seal_state`],
  ])('refuses %s, even for a superuser', async (_label, sql) => {
    await t.app.get(AuditSealer).sealPending(); // so the seal tables have rows for the row triggers
    await expect(t.dataSource.query(sql)).rejects.toThrow(/append-only/);
  });

  it('audits staff reads that show a patient: one staff.patient_read per patient shown, with the route (SPEC §7)', async () => {
    const staff = await createUser(t.app, 'staff');
    const staffAuth = { authorization: `Bearer ${await tokenFor(t.app, staff)}` };
    const patient = await createPatient(t.dataSource);
    const provider = await createUser(t.app, 'provider');
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(200, 7),
    ]);
    const request = await t
      .http()
      .post('/api/v1/support-requests')
      .set({ authorization: `Bearer ${await tokenFor(t.app, provider)}` })
      .send({ description: 'Screen attached', screenshot: png.toString('base64') });
    expect(request.status).toBe(201);

    for (const path of [
      `/api/v1/staff/patients/${patient.id}/access-grants`,
      `/api/v1/staff/patients/${patient.id}/access-log`,
      '/api/v1/staff/support-requests',
      `/api/v1/staff/support-requests/${request.body.id}/screenshot`,
    ]) {
      expect((await t.http().get(path).set(staffAuth)).status).toBe(200);
    }
    const rows = await t.dataSource.query(
      `SELECT patient_id AS "patientId", details FROM audit_events WHERE actor_id = $1 AND action = 'staff.patient_read' ORDER BY id`,
      [staff.id],
    );
    expect(rows).toEqual([
      { patientId: patient.id, details: { route: 'GET /staff/patients/:patientId/access-grants' } },
      { patientId: patient.id, details: { route: 'GET /staff/patients/:patientId/access-log' } },
      {
        patientId: null,
        details: { route: 'GET /staff/support-requests', supportRequestId: request.body.id },
      },
      {
        patientId: null,
        details: { route: 'GET /staff/support-requests/:id/screenshot', supportRequestId: request.body.id },
      },
    ]);
  });
});
