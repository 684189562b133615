import { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityRequests1795308649333 implements MigrationInterface {
  name = 'IdentityRequests1795308649333';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "practice_change_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "old_practice_id" uuid, "new_practice_name" character varying(200) NOT NULL, "address" text NOT NULL, "phone" character varying(40) NOT NULL, "fax" character varying(40) NOT NULL, "email" character varying(254), "was_sponsor" boolean NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'open', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7e50a56580f607dbdc173e56b32" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_practice_change_requests_user_id" ON "practice_change_requests"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_practice_change_requests_created_at" ON "practice_change_requests"  ("created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "support_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "login_email" character varying(254) NOT NULL, "name" character varying(201) NOT NULL, "description" text NOT NULL, "screenshot" bytea, "screenshot_type" character varying(20), "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'open', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a9ce3cdbad0970597a07ab5db97" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_support_requests_user_id" ON "support_requests"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_support_requests_created_at" ON "support_requests"  ("created_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "practice_change_requests" ADD CONSTRAINT "fk_practice_change_requests_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "practice_change_requests" ADD CONSTRAINT "fk_practice_change_requests_old_practice" FOREIGN KEY ("old_practice_id") REFERENCES "practices"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "support_requests" ADD CONSTRAINT "fk_support_requests_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "support_requests" DROP CONSTRAINT "fk_support_requests_user"`);
    await queryRunner.query(
      `ALTER TABLE "practice_change_requests" DROP CONSTRAINT "fk_practice_change_requests_old_practice"`,
    );
    await queryRunner.query(
      `ALTER TABLE "practice_change_requests" DROP CONSTRAINT "fk_practice_change_requests_user"`,
    );
    await queryRunner.query(`DROP INDEX "public"."idx_support_requests_created_at"`);
    await queryRunner.query(`DROP INDEX "public"."idx_support_requests_user_id"`);
    await queryRunner.query(`DROP TABLE "support_requests"`);
    await queryRunner.query(`DROP INDEX "public"."idx_practice_change_requests_created_at"`);
    await queryRunner.query(`DROP INDEX "public"."idx_practice_change_requests_user_id"`);
    await queryRunner.query(`DROP TABLE "practice_change_requests"`);
  }
}
