import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/time/clock.js';
import type { UserStatus } from './entities/user.entity.js';
import { AccountDirectoryRepository, type Account } from './account-directory.repository.js';

/**
 * Reads of accounts for other modules (the `account_directory` view): status effective as of the
 * clock, practice effective (a sponsored user's is their sponsor's while the sponsor is a member).
 */
@Injectable()
export class AccountDirectoryService {
  constructor(
    private readonly users: AccountDirectoryRepository,
    private readonly clock: Clock,
  ) {}

  findById(id: string, manager?: EntityManager): Promise<Account | undefined> {
    return this.users.findAccount(id, this.clock.now(), manager);
  }

  findManyByIds(ids: string[], manager?: EntityManager): Promise<Account[]> {
    return this.users.findAccounts(ids, this.clock.now(), manager);
  }

  /** A sponsor's sponsored users, oldest first; `statuses` filters on the stored status. */
  listSponsoredUsers(
    sponsorId: string,
    statuses?: UserStatus[],
    manager?: EntityManager,
  ): Promise<Account[]> {
    return this.users.listSponsoredUsers(sponsorId, statuses, this.clock.now(), manager);
  }

  /** One sponsored user of the sponsor, row-locked for the caller's transaction. */
  findSponsoredUserForUpdate(
    sponsorId: string,
    userId: string,
    manager: EntityManager,
  ): Promise<Account | undefined> {
    return this.users.findSponsoredUserForUpdate(sponsorId, userId, this.clock.now(), manager);
  }
}
