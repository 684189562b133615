import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { on, one, returning, rows } from '../../database/sql.js';
import type { InvitationIssuer } from './entities/invitation.entity.js';

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
        WHERE token_hash = $1 AND patient_id = $2 AND used_at IS NULL AND expires_at > $3
          AND lower(recipient_email) = lower($5)
        RETURNING id, patient_id`,
      [tokenHash, patientId, now, usedBy, callerEmail],
    );
    return row && { id: row.id, patientId: row.patient_id };
  }

  async findByHash(tokenHash: string, manager?: EntityManager): Promise<InvitationState | undefined> {
    const row = await one<{ id: string; patient_id: string; recipient_email: string; used_at: Date | null; expires_at: Date }>(
      on(this.dataSource, manager),
      `SELECT id, patient_id, recipient_email, used_at, expires_at FROM invitations WHERE token_hash = $1`,
      [tokenHash],
    );
    return (
      row && {
        id: row.id,
        patientId: row.patient_id,
        recipientEmail: row.recipient_email,
        usedAt: row.used_at,
        expiresAt: new Date(row.expires_at),
      }
    );
  }
}
