import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { cursorAtSql } from '../../common/pagination/cursor.js';
import { on, one, returning, rows } from '../../database/sql.js';
import type { InvitationIssuer } from './entities/invitation.entity.js';

export const INVITATION_STATUSES = ['pending', 'used', 'expired', 'cancelled'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** The invitation's status at `nowParam`. */
const statusSql = (a: string, nowParam: string) =>
  `CASE WHEN ${a}.used_at IS NOT NULL THEN 'used' WHEN ${a}.cancelled_at IS NOT NULL THEN 'cancelled'
        WHEN ${a}.expires_at <= ${nowParam} THEN 'expired' ELSE 'pending' END`;

/** An invitation as the portal and staff list it (never the token). */
export interface InvitationListRow {
  id: string;
  patientId: string;
  recipientEmail: string;
  createdAt: Date;
  expiresAt: Date;
  status: InvitationStatus;
  cursorAt: string;
}

export interface InvitationListFilter {
  patientId: string | null;
  status: InvitationStatus | null;
  after: [string, string] | null;
  limit: number;
}

export interface NewInvitation {
  patientId: string;
  tokenHash: string;
  recipientEmail: string;
  issuedByKind: InvitationIssuer;
  issuedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** An invitation as a failed validation explains it (for the audit trail). */
export interface InvitationState {
  id: string;
  patientId: string;
  recipientEmail: string;
  usedAt: Date | null;
  cancelledAt: Date | null;
  expiresAt: Date;
}

/** Invitation tokens (table `invitations`): only the token's SHA-256 is stored. */
@Injectable()
export class InvitationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(i: NewInvitation, manager?: EntityManager): Promise<string> {
    const [row] = await rows<{ id: string }>(
      on(this.dataSource, manager),
      `INSERT INTO invitations (patient_id, token_hash, recipient_email, issued_by_kind, issued_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [i.patientId, i.tokenHash, i.recipientEmail, i.issuedByKind, i.issuedBy, i.createdAt, i.expiresAt],
    );
    return row.id;
  }

  /**
   * Spends the token for this patient and this caller: one statement decides, so of concurrent
   * validations of the same token exactly one sees `used_at IS NULL`. Undefined when it is unknown,
   * another patient's, sent to another address than `callerEmail` (case-insensitive), expired or
   * already used — and then nothing is spent.
   */
  async spend(
    tokenHash: string,
    patientId: string,
    usedBy: string,
    callerEmail: string,
    now: Date,
    manager?: EntityManager,
  ): Promise<{ id: string; patientId: string } | undefined> {
    const [row] = await returning<{ id: string; patient_id: string }>(
      on(this.dataSource, manager),
      `UPDATE invitations SET used_at = $3, used_by = $4
        WHERE token_hash = $1 AND patient_id = $2 AND used_at IS NULL AND cancelled_at IS NULL AND expires_at > $3
          AND lower(recipient_email) = lower($5)
        RETURNING id, patient_id`,
      [tokenHash, patientId, now, usedBy, callerEmail],
    );
    return row && { id: row.id, patientId: row.patient_id };
  }

  /** Invitations newest first (of one patient, or all), with their status at `now`. */
  list(now: Date, f: InvitationListFilter, manager?: EntityManager): Promise<InvitationListRow[]> {
    return rows(
      on(this.dataSource, manager),
      `SELECT x.id, x."patientId", x."recipientEmail", x."createdAt", x."expiresAt", x.status, x."cursorAt" FROM (
         SELECT i.id, i.patient_id AS "patientId", i.recipient_email AS "recipientEmail", i.created_at AS "createdAt",
                i.expires_at AS "expiresAt", ${statusSql('i', '$1')} AS status, ${cursorAtSql('i.created_at')} AS "cursorAt"
           FROM invitations i
          WHERE ($2::uuid IS NULL OR i.patient_id = $2)
            AND ($4::timestamptz IS NULL OR (i.created_at, i.id) < ($4::timestamptz, $5::uuid))) x
        WHERE ($3::text IS NULL OR x.status = $3)
        ORDER BY x."createdAt" DESC, x.id DESC
        LIMIT $6`,
      [now, f.patientId, f.status, f.after?.[0] ?? null, f.after?.[1] ?? null, f.limit],
    );
  }

  /**
   * Cancels a pending invitation (of `patientId` when given): one statement. Undefined when it is
   * unknown, another patient's, or not pending.
   */
  async cancel(
    id: string,
    patientId: string | null,
    now: Date,
    manager?: EntityManager,
  ): Promise<{ id: string; patientId: string } | undefined> {
    const [row] = await returning<{ id: string; patient_id: string }>(
      on(this.dataSource, manager),
      `UPDATE invitations SET cancelled_at = $3
        WHERE id = $1 AND ($2::uuid IS NULL OR patient_id = $2) AND used_at IS NULL AND cancelled_at IS NULL AND expires_at > $3
        RETURNING id, patient_id`,
      [id, patientId, now],
    );
    return row && { id: row.id, patientId: row.patient_id };
  }

  /** The invitation's status at `now` (of `patientId` when given); undefined when there is none. */
  async statusOf(
    id: string,
    patientId: string | null,
    now: Date,
    manager?: EntityManager,
  ): Promise<InvitationStatus | undefined> {
    const row = await one<{ status: InvitationStatus }>(
      on(this.dataSource, manager),
      `SELECT ${statusSql('i', '$3')} AS status FROM invitations i WHERE i.id = $1 AND ($2::uuid IS NULL OR i.patient_id = $2)`,
      [id, patientId, now],
    );
    return row?.status;
  }

  async findByHash(tokenHash: string, manager?: EntityManager): Promise<InvitationState | undefined> {
    const row = await one<{
      id: string;
      patient_id: string;
      recipient_email: string;
      used_at: Date | null;
      cancelled_at: Date | null;
      expires_at: Date;
    }>(
      on(this.dataSource, manager),
      `SELECT id, patient_id, recipient_email, used_at, cancelled_at, expires_at FROM invitations WHERE token_hash = $1`,
      [tokenHash],
    );
    return (
      row && {
        id: row.id,
        patientId: row.patient_id,
        recipientEmail: row.recipient_email,
        usedAt: row.used_at,
        cancelledAt: row.cancelled_at,
        expiresAt: new Date(row.expires_at),
      }
    );
  }
}
