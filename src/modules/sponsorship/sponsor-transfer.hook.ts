import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  SponsorTransferHooks,
  type SponsoredUsersTransferred,
  type SponsorTransferHook,
} from '../identity/index.js';
import { SponsorValidationsRepository } from './sponsor-validations.repository.js';

/**
 * Transferred sponsored users leave the old sponsor's open validation (API.md v1.1); identity
 * lifts their `validation_overdue` lock itself. Runs in identity's transaction.
 */
@Injectable()
export class SponsorTransferHandler implements SponsorTransferHook, OnModuleInit {
  constructor(
    private readonly hooks: SponsorTransferHooks,
    private readonly validations: SponsorValidationsRepository,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async sponsoredUsersTransferred(manager: EntityManager, event: SponsoredUsersTransferred): Promise<void> {
    await this.validations.removeFromOpenValidation(event.fromSponsorId, event.userIds, manager);
  }
}
