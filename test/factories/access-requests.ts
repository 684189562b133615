import type { DataSource } from 'typeorm';

export interface NotificationRow {
  id: string;
  template: string;
  recipient: string;
  data: Record<string, unknown>;
  idempotencyKey: string;
}

/** Emails recorded in the outbox for a recipient (the SMTP sink receives them once the sender runs). */
export async function notificationsTo(ds: DataSource, recipient: string, template?: string): Promise<NotificationRow[]> {
  return ds.query(
    `SELECT id, template, recipient, data, idempotency_key AS "idempotencyKey"
       FROM notifications WHERE recipient = $1 AND ($2::text IS NULL OR template = $2) ORDER BY created_at, id`,
    [recipient.toLowerCase(), template ?? null],
  );
}

/** The token an invitation emailed (read from its outbox row: the only place the plain token exists). */
export async function invitationToken(ds: DataSource, invitationId: string): Promise<string> {
  const [row] = await ds.query(`SELECT data->>'token' AS token FROM notifications WHERE idempotency_key = $1`, [
    `invitation-token:${invitationId}`,
  ]);
  if (!row) throw new Error(`no invitation email for ${invitationId}`);
  return row.token;
}

export async function auditActions(ds: DataSource, patientId: string): Promise<Array<{ action: string; outcome: string; actorKind: string; basis: string | null; details: Record<string, unknown> }>> {
  return ds.query(
    `SELECT action, outcome, actor_kind AS "actorKind", basis, details FROM audit_events WHERE patient_id = $1 ORDER BY id`,
    [patientId],
  );
}

/** Inserts an access request directly (for list and expiry tests). */
export async function insertAccessRequest(
  ds: DataSource,
  r: { requesterId: string; patientId: string; createdAt: Date; status?: string; ttlDays?: number },
): Promise<string> {
  const status = r.status ?? 'pending';
  const expiresAt = new Date(r.createdAt.getTime() + (r.ttlDays ?? 30) * 86_400_000);
  const [row] = await ds.query(
    `INSERT INTO access_requests (requester_id, patient_id, status, created_at, expires_at, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [r.requesterId, r.patientId, status, r.createdAt, expiresAt, status === 'pending' ? null : r.createdAt],
  );
  return row.id;
}
