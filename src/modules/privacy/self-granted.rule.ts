import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/time/clock.js';
import { AuditSearchService } from '../audit/index.js';
import {
  type RegistrationApprovalHook,
  type RegistrationApproved,
  RegistrationApprovalHooks,
} from '../identity/index.js';
import {
  type InvitationIssuedByStaff,
  type InvitationIssueHook,
  InvitationIssueHooks,
} from '../tokens/index.js';
import { AlertsService } from './alerts.service.js';

/** "Within a day": 24 hours either way. */
export const SELF_GRANTED_WINDOW_MS = 24 * 60 * 60 * 1000;

export const selfGrantedKey = (staffId: string, email: string) =>
  `self_granted:${staffId}:${email.toLowerCase()}`;

/**
 * Dual control (issue 18 item 12): one staff member who both approves a registration and issues
 * an invitation to the same email within a day could grant themselves (or a confederate) any
 * record. Told of both through identity's and tokens' ports, in the acting transaction; the other
 * half is looked up in the trail (`staff.approve` / `invitation.issue` by the same staff member).
 * The act itself goes through: this is a detective control, the alert goes to the privacy officer.
 */
@Injectable()
export class SelfGrantedRule implements RegistrationApprovalHook, InvitationIssueHook, OnModuleInit {
  constructor(
    private readonly approvals: RegistrationApprovalHooks,
    private readonly invitations: InvitationIssueHooks,
    private readonly trail: AuditSearchService,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.approvals.register(this);
    this.invitations.register(this);
  }

  private since(): Date {
    return new Date(this.clock.now().getTime() - SELF_GRANTED_WINDOW_MS);
  }

  async registrationApproved(manager: EntityManager, event: RegistrationApproved): Promise<void> {
    const invitation = await this.trail.invitationTo(event.staffId, event.email, this.since(), manager);
    if (!invitation) return;
    await this.raise(manager, event.staffId, event.email, {
      approvedUserId: event.userId,
      invitationId: invitation.invitationId,
    });
  }

  async invitationIssued(manager: EntityManager, event: InvitationIssuedByStaff): Promise<void> {
    const approval = await this.trail.approvalOf(event.staffId, event.recipientEmail, this.since(), manager);
    if (!approval) return;
    await this.raise(manager, event.staffId, event.recipientEmail, {
      approvedUserId: approval.userId,
      invitationId: event.invitationId,
    });
  }

  private async raise(
    manager: EntityManager,
    staffId: string,
    email: string,
    details: { approvedUserId: string; invitationId: string },
  ) {
    await this.alerts.raise(manager, {
      kind: 'self_granted',
      userId: staffId,
      summary: `This staff member approved the registration of ${email.toLowerCase()} and issued an invitation to the same address within a day.`,
      details,
      dedupeKey: selfGrantedKey(staffId, email),
    });
  }
}
