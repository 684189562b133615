import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/time/clock.js';
import { passwordProblem } from './password-policy.js';
import { PasswordService } from './password.service.js';
import { ALL_STAFF_ROLES } from './staff-roles.policy.js';
import { UsersRepository } from './users.repository.js';

/** Creates the first staff account from BOOTSTRAP_STAFF_EMAIL/PASSWORD when it does not exist. */
@Injectable()
export class BootstrapStaffService implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapStaff');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { bootstrapStaffEmail: email, bootstrapStaffPassword: password } = this.config;
    if (!email || !password) return;
    const normalized = email.trim().toLowerCase();
    // The first staff account holds every role: its password meets the policy like anyone's (issue 18, item 11).
    const weak = passwordProblem(password, { email: normalized });
    if (weak) throw new Error(`BOOTSTRAP_STAFF_PASSWORD does not meet the password policy: ${weak}`);
    if (await this.users.existsByEmail(normalized)) return;
    const now = this.clock.now();
    // ON CONFLICT DO NOTHING in the insert: several instances starting together create it once.
    const inserted = await this.users.insert({
      kind: 'staff',
      email: normalized,
      passwordHash: await this.passwords.hash(password),
      firstName: 'MyPatients',
      lastName: 'Team',
      status: 'active',
      emailVerifiedAt: now,
      approvedAt: now,
      // Created with every role; an existing account is left as it is (a restart changes nothing).
      roles: [...ALL_STAFF_ROLES],
      now,
    });
    if (inserted) this.logger.log(`Created bootstrap staff account ${normalized}`);
  }
}
