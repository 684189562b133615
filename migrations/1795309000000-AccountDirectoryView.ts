import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `account_directory`: the one read-only face of `users` other modules' SQL may join (identity owns
 * the table). `practice_id` is the effective practice: a provider's own; a sponsored user's is their
 * sponsor's while the sponsor is a provider in a member status (active or locked); NULL otherwise.
 * `own_practice_id` is the plain column, so index lookups by practice still apply. Effective status
 * (an expired failed-sign-in lock counts as active) depends on the clock: see account-status.policy.ts.
 * Hand-written: the view is not an entity, so the drift check does not see it.
 */
export class AccountDirectoryView1795309000000 implements MigrationInterface {
  name = 'AccountDirectoryView1795309000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE VIEW account_directory AS
      SELECT u.id, u.kind, u.email, u.first_name, u.last_name, u.npi, u.hospital_id, u.is_sponsor, u.sponsor_id,
             u.sponsored_role, u.status, u.lock_reason, u.locked_until,
             u.practice_id AS own_practice_id,
             CASE WHEN u.kind = 'provider' THEN u.practice_id WHEN u.kind = 'sponsored' THEN s.practice_id END AS practice_id,
             p.name AS practice_name,
             u.created_at
        FROM users u
        LEFT JOIN users s ON u.kind = 'sponsored' AND s.id = u.sponsor_id AND s.kind = 'provider' AND s.status IN ('active', 'locked')
        LEFT JOIN practices p ON p.id = CASE WHEN u.kind = 'provider' THEN u.practice_id WHEN u.kind = 'sponsored' THEN s.practice_id END`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP VIEW IF EXISTS account_directory`);
  }
}
