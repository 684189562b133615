import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A staff member approved a self-registered provider. */
export interface RegistrationApproved {
  staffId: string;
  userId: string;
  /** The approved account's email. */
  email: string;
}

/**
 * Told of every registration approval, in the approval's transaction: the privacy module's dual-
 * control rule (an approval and an invitation by the same staff member to the same email within a
 * day raise a `self_granted` alert; issue 18 item 12). Privacy depends on identity, so it
 * implements this port and registers with `RegistrationApprovalHooks.register` (e.g. in `onModuleInit`).
 */
export interface RegistrationApprovalHook {
  registrationApproved(manager: EntityManager, event: RegistrationApproved): Promise<void>;
}

/** The registered implementations of `RegistrationApprovalHook` (none until privacy registers). */
@Injectable()
export class RegistrationApprovalHooks {
  private readonly hooks: RegistrationApprovalHook[] = [];

  register(hook: RegistrationApprovalHook): void {
    if (!this.hooks.includes(hook)) this.hooks.push(hook);
  }

  async run(manager: EntityManager, event: RegistrationApproved): Promise<void> {
    for (const hook of this.hooks) await hook.registrationApproved(manager, event);
  }
}
