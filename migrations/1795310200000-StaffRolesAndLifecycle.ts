import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff roles and the staff-driven account life cycle (issue 16):
 * - `users.roles` ⊆ {team, privacy, admin}, empty for every non-staff account; staff accounts that
 *   exist at the upgrade get `{team}` (the bootstrap account is created later with all three);
 * - `users.status_before` — the status a staff lock interrupted (`active` or `invited`), so unlocking
 *   gives it back (an invited account must not become active without a password);
 * - `unaccent`, for the staff directory's accent-insensitive search (a trusted extension since PostgreSQL 13).
 */
export class StaffRolesAndLifecycle1795310200000 implements MigrationInterface {
  name = 'StaffRolesAndLifecycle1795310200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "roles" text array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "users" ADD "status_before" character varying(20)`);
    await queryRunner.query(`UPDATE "users" SET "roles" = '{team}' WHERE "kind" = 'staff'`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "ck_users_roles"
         CHECK ("roles" <@ ARRAY['team', 'privacy', 'admin']::text[] AND ("kind" = 'staff' OR "roles" = '{}'))`,
    );
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "ck_users_roles"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "status_before"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "roles"`);
  }
}
