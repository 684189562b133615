import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The help desk and practice-change life cycles (issue 16):
 * - `support_requests.user_id` nullable (a request sent signed out has no account), `replies` (the
 *   conversation, appended to), `answered_at`/`closed_at`, status `open` → `answered` → `closed`;
 * - `practice_change_requests`: who resolved it when, the practice it was carried out to, the
 *   reason of a rejection; status `open`, `completed`, `rejected`.
 */
export class HelpDeskAndPracticeChanges1796200000000 implements MigrationInterface {
  name = 'HelpDeskAndPracticeChanges1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "support_requests" ALTER COLUMN "user_id" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "support_requests" ADD "replies" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE "support_requests" ADD "answered_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "support_requests" ADD "closed_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "support_requests" ADD CONSTRAINT "ck_support_requests_status" CHECK ("status" IN ('open', 'answered', 'closed'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "practice_change_requests" ADD "resolved_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(`ALTER TABLE "practice_change_requests" ADD "resolved_by" uuid`);
    await queryRunner.query(`ALTER TABLE "practice_change_requests" ADD "new_practice_id" uuid`);
    await queryRunner.query(`ALTER TABLE "practice_change_requests" ADD "reject_reason" text`);
    await queryRunner.query(
      `ALTER TABLE "practice_change_requests" ADD CONSTRAINT "fk_practice_change_requests_new_practice" FOREIGN KEY ("new_practice_id") REFERENCES "practices"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "practice_change_requests" ADD CONSTRAINT "ck_practice_change_requests_status" CHECK ("status" IN ('open', 'completed', 'rejected'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "practice_change_requests" DROP CONSTRAINT "ck_practice_change_requests_status"`,
    );
    await queryRunner.query(
      `ALTER TABLE "practice_change_requests" DROP CONSTRAINT "fk_practice_change_requests_new_practice"`,
    );
    await queryRunner.query(`ALTER TABLE "practice_change_requests" DROP COLUMN "reject_reason"`);
    await queryRunner.query(`ALTER TABLE "practice_change_requests" DROP COLUMN "new_practice_id"`);
    await queryRunner.query(`ALTER TABLE "practice_change_requests" DROP COLUMN "resolved_by"`);
    await queryRunner.query(`ALTER TABLE "practice_change_requests" DROP COLUMN "resolved_at"`);
    await queryRunner.query(`ALTER TABLE "support_requests" DROP CONSTRAINT "ck_support_requests_status"`);
    await queryRunner.query(`ALTER TABLE "support_requests" DROP COLUMN "closed_at"`);
    await queryRunner.query(`ALTER TABLE "support_requests" DROP COLUMN "answered_at"`);
    await queryRunner.query(`ALTER TABLE "support_requests" DROP COLUMN "replies"`);
    await queryRunner.query(`ALTER TABLE "support_requests" ALTER COLUMN "user_id" SET NOT NULL`);
  }
}
