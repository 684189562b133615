import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/time/clock.js';
import { PasswordService } from './password.service.js';

/** Creates the first staff account from BOOTSTRAP_STAFF_EMAIL/PASSWORD when it does not exist. */
@Injectable()
export class BootstrapStaffService implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapStaff');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly passwords: PasswordService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { bootstrapStaffEmail: email, bootstrapStaffPassword: password } = this.config;
    if (!email || !password) return;
    const normalized = email.trim().toLowerCase();
    const existing = await this.dataSource.query('SELECT 1 FROM users WHERE email = $1', [normalized]);
    if (existing.length) return;
    const now = this.clock.now();
    // ON CONFLICT: several instances starting together create it once.
    const inserted = await this.dataSource.query(
      `INSERT INTO users (kind, email, password_hash, first_name, last_name, status, email_verified_at, approved_at, created_at, updated_at)
       VALUES ('staff', $1, $2, 'MyPatients', 'Team', 'active', $3, $3, $3, $3)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [normalized, await this.passwords.hash(password), now],
    );
    if (inserted.length) this.logger.log(`Created bootstrap staff account ${normalized}`);
  }
}
