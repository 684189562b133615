import type { DataSource } from 'typeorm';
import type { TestContext } from '../support/test-app.js';
import { createPatient, createUser, tokenFor, type UserRow } from './index.js';

/** A fresh bearer header for the user at the test clock's current time (sessions follow the clock). */
export async function bearer(t: TestContext, user: { id: string; kind: string }): Promise<string> {
  return `Bearer ${await tokenFor(t.app, user)}`;
}

/** Files a PCP access request over HTTP and returns its body ({id, status, dueAt}). */
export async function requestPcpAccess(t: TestContext, requester: UserRow, patientId: string, note?: string) {
  const res = await t
    .http()
    .post(`/api/v1/patients/${patientId}/pcp-access-requests`)
    .set('authorization', await bearer(t, requester))
    .send(note === undefined ? {} : { note });
  if (res.status !== 201) throw new Error(`request failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; status: string; dueAt: string };
}

/** A provider (own practice) and a patient they may not yet view. */
export async function providerAndPatient(t: TestContext) {
  const provider = await createUser(t.app, 'provider');
  const patient = await createPatient(t.dataSource);
  return { provider, patient };
}

export async function pcpEvents(ds: DataSource, requestId: string): Promise<string[]> {
  const rows: Array<{ type: string }> = await ds.query(`SELECT type FROM pcp_update_events WHERE request_id = $1 ORDER BY at, id`, [requestId]);
  return rows.map((r) => r.type);
}

export async function notificationsFor(ds: DataSource, template: string, recipient?: string) {
  return ds.query(
    `SELECT template, recipient, data, idempotency_key AS "idempotencyKey" FROM notifications
     WHERE template = $1 AND ($2::text IS NULL OR recipient = $2) ORDER BY created_at, id`,
    [template, recipient?.toLowerCase() ?? null],
  ) as Promise<Array<{ template: string; recipient: string; data: Record<string, unknown>; idempotencyKey: string }>>;
}
