import { MigrationInterface, QueryRunner } from 'typeorm';

export class NotificationsListIndexAndChecks1795308738769 implements MigrationInterface {
  name = 'NotificationsListIndexAndChecks1795308738769';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "idx_notifications_created_id" ON "notifications"  ("created_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "chk_notifications_attempts" CHECK ("attempts" >= 0)`,
    );
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "chk_notifications_status" CHECK ("status" IN ('pending', 'queued', 'sent', 'failed'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "chk_notifications_status"`);
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "chk_notifications_attempts"`);
    await queryRunner.query(`DROP INDEX "public"."idx_notifications_created_id"`);
  }
}
