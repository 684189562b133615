import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `users` keeps 20% of each page free (fillfactor 80) so that status changes — the enforce job's
 * set-based lock of every account of an overdue sponsor, unlocks, sign-in counters — are HOT
 * updates: none of the columns they write (`status`, `lock_reason`, `locked_until`, `status_before`,
 * `updated_at`, `failed_login_count`) is indexed, so with room on the page PostgreSQL writes the new
 * row version beside the old one and touches none of the table's six indexes. Measured on the
 * validation jobs (BENCHMARKS.md finding 9): a tenth of the accounts locked per batch costs about
 * half as much as with full pages.
 *
 * Metadata only (no rewrite, no long lock): pages written from now on keep the space. Existing pages
 * stay full until the table is rewritten — an operator runs `pg_repack --table=users` (online) or,
 * in a maintenance window, `VACUUM FULL users` (ACCESS EXCLUSIVE: sign-ins wait for it) after this
 * migration (docs/sponsorship.md, "Operations").
 */
export class UsersFillfactor1796315000000 implements MigrationInterface {
  name = 'UsersFillfactor1796315000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" SET (fillfactor = 80)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" RESET (fillfactor)`);
  }
}
