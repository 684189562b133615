import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/principal.js';
import { badRequest, notFound } from '../../common/errors/problem.js';
import { type LimitRule, RateLimiterService } from '../../common/http/rate-limiter.service.js';
import { Clock } from '../../common/time/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { AccessGrantsService, type PatientRef, PatientsService } from '../patient-access/index.js';
import {
  hashInvitationToken,
  invitationExpiry,
  issueInvitationToken,
  looksLikeInvitationToken,
} from './invitation-token.js';
import { InvitationIssueHooks } from './invitation-issue.port.js';
import { InvitationsRepository } from './invitations.repository.js';
import { inTransaction } from '../../database/sql.js';

export type InvitationIssuerRef = { kind: 'staff'; user: AuthUser } | { kind: 'portal' };

/** Failed validations per account: 5 per 15 minutes, then 15 minutes' pause. */
export const TOKEN_FAILURES_PER_USER: LimitRule = {
  name: 'token-validate-user',
  points: 5,
  durationSeconds: 900,
  blockSeconds: 900,
};
/**
 * Failed validations per address: 30 per 15 minutes. Generous because a practice's users share one
 * NAT address (API.md) while each of them is held to the per-account limit first. It only ever turns
 * a failure into a 429: a correct pair from a spent address still succeeds (issue 18 item 7), so a
 * guesser behind a practice's NAT cannot lock its colleagues out of their invitations.
 */
export const TOKEN_FAILURES_PER_IP: LimitRule = {
  name: 'token-validate-ip',
  points: 30,
  durationSeconds: 900,
  blockSeconds: 900,
};

const INVITED_BY = {
  staff: 'The MyPatients team',
  portal: "A patient's parent or guardian, through the MyChildren's patient portal,",
} as const;

@Injectable()
export class InvitationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: InvitationsRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly patients: PatientsService,
    private readonly grants: AccessGrantsService,
    private readonly limiter: RateLimiterService,
    private readonly issueHooks: InvitationIssueHooks,
  ) {}

  /** Issues a token bound to the patient with this MRN and emails it; the token is returned to no one. */
  async issue(
    mrn: string,
    recipientEmail: string,
    issuer: InvitationIssuerRef,
  ): Promise<{ id: string; expiresAt: Date; validThrough: string }> {
    const patient = await this.patients.findByMrn(mrn);
    if (!patient) throw notFound('No patient with this MRN.');
    const now = this.clock.now();
    const { expiresAt, validThrough } = invitationExpiry(now);
    const { token, hash } = issueInvitationToken();
    const email = recipientEmail.toLowerCase();
    return inTransaction(this.dataSource, async (manager) => {
      const id = await this.repository.insert(
        {
          patientId: patient.id,
          tokenHash: hash,
          recipientEmail: email,
          issuedByKind: issuer.kind,
          issuedBy: issuer.kind === 'staff' ? issuer.user.id : null,
          createdAt: now,
          expiresAt,
        },
        manager,
      );
      await this.notifications.record(manager, {
        template: 'invitation-token',
        to: email,
        data: { token, invitedBy: INVITED_BY[issuer.kind], validThrough },
        idempotencyKey: `invitation-token:${id}`,
      });
      await this.audit.record(
        {
          actorId: issuer.kind === 'staff' ? issuer.user.id : null,
          actorKind: issuer.kind === 'staff' ? issuer.user.kind : 'portal',
          action: 'invitation.issue',
          patientId: patient.id,
          outcome: 'success',
          details: { invitationId: id, recipientEmail: email, expiresAt: expiresAt.toISOString() },
        },
        manager,
      );
      // Dual control (issue 18 item 12): privacy looks for an approval of this email by the same staff member.
      if (issuer.kind === 'staff')
        await this.issueHooks.run(manager, {
          staffId: issuer.user.id,
          invitationId: id,
          recipientEmail: email,
        });
      return { id, expiresAt, validThrough };
    });
  }

  /**
   * Spends the token for this MRN and grants the caller access (basis `token`), only when the
   * caller's current email is the invitation's recipient (case-insensitive). Every failure —
   * unknown token, other MRN, another account, expired, already used — is the same 400
   * `invalid_token` and spends nothing, counted
   * against the caller's account and address. Once the account's limit is spent the route answers
   * 429 unchecked, even for a good pair; the address's limit alone never blocks a good pair: it only
   * turns that address's further failures into 429.
   */
  async validate(user: AuthUser, ip: string, token: string, mrn: string): Promise<{ patientId: string }> {
    const now = this.clock.now();
    const hash = looksLikeInvitationToken(token) ? hashInvitationToken(token) : null;
    // The MRN names the patient; the token must be that patient's (checked in the spending statement).
    // The lookup overlaps the rate-limit checks, so it adds no round trip to the request.
    const [patient] = await Promise.all([
      hash ? this.patients.findByMrn(mrn) : Promise.resolve(null),
      this.limiter.check(TOKEN_FAILURES_PER_USER, user.id),
    ]);
    if (hash && patient) {
      const result = await inTransaction(this.dataSource, async (manager) => {
        const spent = await this.repository.spend(hash, patient.id, user.id, user.email, now, manager);
        if (!spent) return null;
        const { id, patientId } = spent;
        const grantId = await this.grants.grant(manager, {
          userId: user.id,
          patientId,
          basis: 'token',
          sourceId: id,
        });
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

    await this.recordFailure(user, ip, hash, patient, now);
    await this.limiter.consume(TOKEN_FAILURES_PER_USER, user.id);
    await this.limiter.consume(TOKEN_FAILURES_PER_IP, ip);
    throw badRequest('invalid_token', 'The token and MRN do not match a valid invitation.');
  }

  /** Audits a failed validation with the reason, for staff only; the caller always hears the same answer. */
  private async recordFailure(
    user: AuthUser,
    ip: string,
    hash: string | null,
    patient: PatientRef | null,
    now: Date,
  ): Promise<void> {
    let reason = 'malformed';
    let invitationId: string | null = null;
    let patientId: string | null = null;
    if (hash) {
      const inv = await this.repository.findByHash(hash);
      if (!inv) reason = 'unknown_token';
      else {
        invitationId = inv.id;
        reason =
          inv.patientId !== patient?.id
            ? 'mrn_mismatch'
            : inv.usedAt
              ? 'spent'
              : inv.cancelledAt
                ? 'cancelled'
                : inv.expiresAt <= now
                  ? 'expired'
                  : inv.recipientEmail.toLowerCase() !== user.email.toLowerCase()
                    ? 'wrong_recipient'
                    : 'unknown';
        // Only a token that is really for this patient ties the failure to the patient.
        if (reason !== 'mrn_mismatch') patientId = inv.patientId;
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
