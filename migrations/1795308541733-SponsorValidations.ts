import { MigrationInterface, QueryRunner } from 'typeorm';

export class SponsorValidations1795308541733 implements MigrationInterface {
  name = 'SponsorValidations1795308541733';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sponsor_validations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "sponsor_id" uuid NOT NULL, "period" character varying(7) NOT NULL, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL, "due_date" date NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "enforced_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "completed_by" uuid, CONSTRAINT "PK_55150ceae850fa67854d1274f8d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_sponsor_validations_sponsor_period" ON "sponsor_validations"  ("sponsor_id", "period") `,
    );
    await queryRunner.query(
      `CREATE TABLE "sponsor_validation_reminders" ("validation_id" uuid NOT NULL, "days_before" smallint NOT NULL, "sent_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_2611005564717eaf8b1d09e17f7" PRIMARY KEY ("validation_id", "days_before"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "sponsor_validation_users" ("validation_id" uuid NOT NULL, "user_id" uuid NOT NULL, "keep" boolean, CONSTRAINT "PK_c4b34a72dfca5d8ad1a211276e1" PRIMARY KEY ("validation_id", "user_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_sponsor_validation_users_user_id" ON "sponsor_validation_users"  ("user_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "sponsor_validations" ADD CONSTRAINT "fk_sponsor_validations_sponsor" FOREIGN KEY ("sponsor_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sponsor_validation_reminders" ADD CONSTRAINT "fk_sponsor_validation_reminders_validation" FOREIGN KEY ("validation_id") REFERENCES "sponsor_validations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sponsor_validation_users" ADD CONSTRAINT "fk_sponsor_validation_users_validation" FOREIGN KEY ("validation_id") REFERENCES "sponsor_validations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sponsor_validation_users" ADD CONSTRAINT "fk_sponsor_validation_users_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "sponsor_validation_users" DROP CONSTRAINT "fk_sponsor_validation_users_user"`,
    );
    await queryRunner.query(
      `ALTER TABLE "sponsor_validation_users" DROP CONSTRAINT "fk_sponsor_validation_users_validation"`,
    );
    await queryRunner.query(
      `ALTER TABLE "sponsor_validation_reminders" DROP CONSTRAINT "fk_sponsor_validation_reminders_validation"`,
    );
    await queryRunner.query(
      `ALTER TABLE "sponsor_validations" DROP CONSTRAINT "fk_sponsor_validations_sponsor"`,
    );
    await queryRunner.query(`DROP INDEX "public"."idx_sponsor_validation_users_user_id"`);
    await queryRunner.query(`DROP TABLE "sponsor_validation_users"`);
    await queryRunner.query(`DROP TABLE "sponsor_validation_reminders"`);
    await queryRunner.query(`DROP INDEX "public"."uq_sponsor_validations_sponsor_period"`);
    await queryRunner.query(`DROP TABLE "sponsor_validations"`);
  }
}
