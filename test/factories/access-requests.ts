import type { DataSource } from 'typeorm';
import { AccessRequestsRepository } from '../../src/modules/access-requests/access-requests.repository.js';
import type { AccessRequestStatus } from '../../src/modules/access-requests/entities/access-request.entity.js';
import { invitationExpiry, issueInvitationToken } from '../../src/modules/tokens/invitation-token.js';
import { InvitationsRepository } from '../../src/modules/tokens/invitations.repository.js';
import { emailedToken, type SmtpSink } from '../support/smtp-sink.js';

export interface NotificationRow {
  id: string;
  template: string;
  recipient: string;
  data: Record<string, unknown>;
  idempotencyKey: string;
}

/** Emails recorded in the outbox for a recipient (the SMTP sink receives them once the sender runs). */
export async function notificationsTo(
  ds: DataSource,
  recipient: string,
  template?: string,
): Promise<NotificationRow[]> {
  return ds.query(
    `SELECT id, template, recipient, data, idempotency_key AS "idempotencyKey"
       FROM notifications WHERE recipient = $1 AND ($2::text IS NULL OR template = $2) ORDER BY created_at, id`,
    [recipient.toLowerCase(), template ?? null],
  );
}

/** The token an invitation emailed (the email is the only place the plain token stays). */
export async function invitationToken(
  t: { dataSource: DataSource; smtp: SmtpSink },
  invitationId: string,
): Promise<string> {
  const [row] = await t.dataSource.query(`SELECT id FROM notifications WHERE idempotency_key = $1`, [
    `invitation-token:${invitationId}`,
  ]);
  if (!row) throw new Error(`no invitation email for ${invitationId}`);
  return emailedToken(t.smtp, row.id);
}

export async function auditActions(
  ds: DataSource,
  patientId: string,
): Promise<
  Array<{
    action: string;
    outcome: string;
    actorKind: string;
    basis: string | null;
    details: Record<string, unknown>;
  }>
> {
  return ds.query(
    `SELECT action, outcome, actor_kind AS "actorKind", basis, details FROM audit_events WHERE patient_id = $1 ORDER BY id`,
    [patientId],
  );
}

/** Inserts an access request in any status (for list and expiry tests), through the repository. */
export async function insertAccessRequest(
  ds: DataSource,
  r: {
    requesterId: string;
    patientId: string;
    createdAt: Date;
    status?: AccessRequestStatus;
    ttlDays?: number;
  },
): Promise<string> {
  const status = r.status ?? 'pending';
  return new AccessRequestsRepository(ds).insert({
    requesterId: r.requesterId,
    patientId: r.patientId,
    status,
    createdAt: r.createdAt,
    expiresAt: new Date(r.createdAt.getTime() + (r.ttlDays ?? 30) * 86_400_000),
    decidedAt: status === 'pending' ? null : r.createdAt,
  });
}

/**
 * Stores an invitation for the patient through the tokens repository and returns the plain token
 * (as only the email would carry it), for tests that validate tokens without sending mail.
 */
export async function createInvitation(
  ds: DataSource,
  i: { patientId: string; recipientEmail?: string; createdAt: Date; expiresAt?: Date },
): Promise<{ id: string; token: string }> {
  const { token, hash } = issueInvitationToken();
  const id = await new InvitationsRepository(ds).insert({
    patientId: i.patientId,
    tokenHash: hash,
    recipientEmail: i.recipientEmail ?? 'dr.invited@clinic.example',
    issuedByKind: 'portal',
    issuedBy: null,
    createdAt: i.createdAt,
    expiresAt: i.expiresAt ?? invitationExpiry(i.createdAt).expiresAt,
  });
  return { id, token };
}
