import { MigrationInterface, QueryRunner } from 'typeorm';

/** Hand-written: what TypeORM cannot declare for the sponsor validation tables. */
export class SponsorValidationConstraints1795308541734 implements MigrationInterface {
  name = 'SponsorValidationConstraints1795308541734';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // At most one open (uncompleted) validation per sponsor: concurrent opens cannot double up.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_sponsor_validations_open_sponsor" ON "sponsor_validations" ("sponsor_id") WHERE completed_at IS NULL`,
    );
    // The remind and enforce jobs look for open validations by due date.
    await queryRunner.query(
      `CREATE INDEX "idx_sponsor_validations_open_due" ON "sponsor_validations" ("due_date") WHERE completed_at IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "sponsor_validations" ADD CONSTRAINT "chk_sponsor_validations_period" CHECK (period ~ '^[0-9]{4}-(04|10)$')`,
    );
    await queryRunner.query(
      `ALTER TABLE "sponsor_validation_reminders" ADD CONSTRAINT "chk_sponsor_validation_reminders_days" CHECK (days_before IN (14, 7, 1))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "sponsor_validation_reminders" DROP CONSTRAINT "chk_sponsor_validation_reminders_days"`,
    );
    await queryRunner.query(
      `ALTER TABLE "sponsor_validations" DROP CONSTRAINT "chk_sponsor_validations_period"`,
    );
    await queryRunner.query(`DROP INDEX "public"."idx_sponsor_validations_open_due"`);
    await queryRunner.query(`DROP INDEX "public"."uq_sponsor_validations_open_sponsor"`);
  }
}
