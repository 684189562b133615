import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, notFound } from '../../common/errors/problem.js';
import { type LimitRule, RateLimiterService } from '../../common/http/rate-limiter.service.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/audit.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { AccessGrantsService } from '../patient-access/access-grants.service.js';
import { PatientsService } from '../patient-access/patients.service.js';
import { hashInvitationToken, invitationExpiry, issueInvitationToken, looksLikeInvitationToken } from './invitation-token.js';

export type InvitationIssuerRef = { kind: 'staff'; user: AuthUser } | { kind: 'portal' };

/** Failed validations per account: 5 per 15 minutes, then 15 minutes' pause. */
export const TOKEN_FAILURES_PER_USER: LimitRule = { name: 'token-validate-user', points: 5, durationSeconds: 900, blockSeconds: 900 };
/**
 * Failed validations per address: 30 per 15 minutes. Generous because a practice's users share one
 * NAT address (API.md) while each of them is held to the per-account limit first.
 */
export const TOKEN_FAILURES_PER_IP: LimitRule = { name: 'token-validate-ip', points: 30, durationSeconds: 900, blockSeconds: 900 };

const INVITED_BY = {
  staff: 'The MyPatients team',
  portal: "A patient's parent or guardian, through the MyChildren's patient portal,",
} as const;

@Injectable()
export class InvitationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly patients: PatientsService,
    private readonly grants: AccessGrantsService,
    private readonly limiter: RateLimiterService,
  ) {}

  /** Issues a token bound to the patient with this MRN and emails it; the token is returned to no one. */
  async issue(mrn: string, recipientEmail: string, issuer: InvitationIssuerRef): Promise<{ id: string; expiresAt: Date; validThrough: string }> {
    const patient = await this.patients.findByMrn(mrn);
    if (!patient) throw notFound('No patient with this MRN.');
    const now = this.clock.now();
    const { expiresAt, validThrough } = invitationExpiry(now);
    const { token, hash } = issueInvitationToken();
    const email = recipientEmail.toLowerCase();
    return this.dataSource.transaction(async (manager) => {
      const [row]: Array<{ id: string }> = await manager.query(
        `INSERT INTO invitations (patient_id, token_hash, recipient_email, issued_by_kind, issued_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [patient.id, hash, email, issuer.kind, issuer.kind === 'staff' ? issuer.user.id : null, now, expiresAt],
      );
      await this.notifications.record(manager, {
        template: 'invitation-token',
        to: email,
        data: { token, invitedBy: INVITED_BY[issuer.kind], validThrough },
        idempotencyKey: `invitation-token:${row.id}`,
      });
      await this.audit.record(
        {
          actorId: issuer.kind === 'staff' ? issuer.user.id : null,
          actorKind: issuer.kind === 'staff' ? issuer.user.kind : 'portal',
          action: 'invitation.issue',
          patientId: patient.id,
          outcome: 'success',
          details: { invitationId: row.id, recipientEmail: email, expiresAt: expiresAt.toISOString() },
        },
        manager,
      );
      return { id: row.id, expiresAt, validThrough };
    });
  }

  /**
   * Spends the token for this MRN and grants the caller access (basis `token`). Every failure —
   * unknown token, other MRN, expired, already used — is the same 400 `invalid_token`, counted
   * against the caller's account and address; once either limit is spent the route answers 429,
   * even for a good pair.
   */
  async validate(user: AuthUser, ip: string, token: string, mrn: string): Promise<{ patientId: string }> {
    await this.limiter.check(TOKEN_FAILURES_PER_USER, user.id);
    await this.limiter.check(TOKEN_FAILURES_PER_IP, ip);
    const now = this.clock.now();
    const hash = looksLikeInvitationToken(token) ? hashInvitationToken(token) : null;

    if (hash) {
      const result = await this.dataSource.transaction(async (manager) => {
        // One statement decides: of concurrent validations of the same token exactly one sees used_at IS NULL.
        const [rows]: [Array<{ id: string; patient_id: string }>, number] = await manager.query(
          `UPDATE invitations i SET used_at = $3, used_by = $4
             FROM patients p
            WHERE i.token_hash = $1 AND p.id = i.patient_id AND p.mrn = $2
              AND i.used_at IS NULL AND i.expires_at > $3
            RETURNING i.id, i.patient_id`,
          [hash, mrn, now, user.id],
        );
        if (!rows.length) return null;
        const { id, patient_id: patientId } = rows[0];
        const grantId = await this.grants.grant(manager, { userId: user.id, patientId, basis: 'token', sourceId: id });
        await this.audit.record(
          {
            actorId: user.id,
            actorKind: user.kind,
            action: 'token.validate',
            patientId,
            basis: 'token',
            outcome: 'success',
            details: { invitationId: id, grantId },
          },
          manager,
        );
        return { patientId };
      });
      if (result) return result;
    }

    await this.recordFailure(user, ip, hash, mrn, now);
    await this.limiter.consume(TOKEN_FAILURES_PER_USER, user.id);
    await this.limiter.consume(TOKEN_FAILURES_PER_IP, ip);
    throw badRequest('invalid_token', 'The token and MRN do not match a valid invitation.');
  }

  /** Audits a failed validation with the reason, for staff only; the caller always hears the same answer. */
  private async recordFailure(user: AuthUser, ip: string, hash: string | null, mrn: string, now: Date): Promise<void> {
    let reason = 'malformed';
    let invitationId: string | null = null;
    let patientId: string | null = null;
    if (hash) {
      const [inv]: Array<{ id: string; patient_id: string; mrn: string; used_at: Date | null; expires_at: Date }> = await this.dataSource.query(
        `SELECT i.id, i.patient_id, p.mrn, i.used_at, i.expires_at FROM invitations i JOIN patients p ON p.id = i.patient_id WHERE i.token_hash = $1`,
        [hash],
      );
      if (!inv) reason = 'unknown_token';
      else {
        invitationId = inv.id;
        reason = inv.mrn !== mrn ? 'mrn_mismatch' : inv.used_at ? 'spent' : new Date(inv.expires_at) <= now ? 'expired' : 'unknown';
        // Only a token that is really for this patient ties the failure to the patient.
        if (reason !== 'mrn_mismatch') patientId = inv.patient_id;
      }
    }
    await this.audit.record({
      actorId: user.id,
      actorKind: user.kind,
      action: 'token.validate',
      patientId,
      outcome: 'failure',
      details: { reason, invitationId, ip },
    });
  }
}
