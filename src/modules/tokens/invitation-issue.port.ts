import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A staff member issued an invitation (the portal's invitations are not told). */
export interface InvitationIssuedByStaff {
  staffId: string;
  invitationId: string;
  /** Lower-cased. */
  recipientEmail: string;
}

/**
 * Told of every invitation a staff member issues, in the issuing transaction: the privacy
 * module's dual-control rule (issue 18 item 12). Privacy depends on tokens, so it implements this
 * port and registers with `InvitationIssueHooks.register` (e.g. in `onModuleInit`).
 */
export interface InvitationIssueHook {
  invitationIssued(manager: EntityManager, event: InvitationIssuedByStaff): Promise<void>;
}

/** The registered implementations of `InvitationIssueHook` (none until privacy registers). */
@Injectable()
export class InvitationIssueHooks {
  private readonly hooks: InvitationIssueHook[] = [];

  register(hook: InvitationIssueHook): void {
    if (!this.hooks.includes(hook)) this.hooks.push(hook);
  }

  async run(manager: EntityManager, event: InvitationIssuedByStaff): Promise<void> {
    for (const hook of this.hooks) await hook.invitationIssued(manager, event);
  }
}
