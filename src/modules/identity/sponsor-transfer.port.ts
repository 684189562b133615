import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Sponsored users moved from one sponsor to another (staff deactivated the first with `transfer`). */
export interface SponsoredUsersTransferred {
  fromSponsorId: string;
  toSponsorId: string;
  userIds: string[];
}

/**
 * What identity tells the module that owns validations when sponsored users change sponsor:
 * "transferred sponsored users leave the old sponsor's open validation" (API.md v1.1). Sponsorship
 * depends on identity, so identity cannot call it: sponsorship implements this port and registers
 * itself with `SponsorTransferHooks.register` (e.g. in `onModuleInit`). Runs in identity's transaction.
 */
export interface SponsorTransferHook {
  sponsoredUsersTransferred(manager: EntityManager, event: SponsoredUsersTransferred): Promise<void>;
}

/** The registered implementations of `SponsorTransferHook` (none until sponsorship registers). */
@Injectable()
export class SponsorTransferHooks {
  private readonly hooks: SponsorTransferHook[] = [];

  register(hook: SponsorTransferHook): void {
    if (!this.hooks.includes(hook)) this.hooks.push(hook);
  }

  async run(manager: EntityManager, event: SponsoredUsersTransferred): Promise<void> {
    for (const hook of this.hooks) await hook.sponsoredUsersTransferred(manager, event);
  }
}
