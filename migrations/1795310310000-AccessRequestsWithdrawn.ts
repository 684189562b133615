import { MigrationInterface, QueryRunner } from 'typeorm';

/** A requester may withdraw a pending non-PCP access request (API.md v1.1): status `withdrawn`. */
export class AccessRequestsWithdrawn1795310310000 implements MigrationInterface {
  name = 'AccessRequestsWithdrawn1795310310000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "access_requests" DROP CONSTRAINT "ck_access_requests_status"`);
    await queryRunner.query(
      `ALTER TABLE "access_requests" ADD CONSTRAINT "ck_access_requests_status" CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'withdrawn'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "access_requests" SET status = 'expired' WHERE status = 'withdrawn'`);
    await queryRunner.query(`ALTER TABLE "access_requests" DROP CONSTRAINT "ck_access_requests_status"`);
    await queryRunner.query(
      `ALTER TABLE "access_requests" ADD CONSTRAINT "ck_access_requests_status" CHECK (status IN ('pending', 'approved', 'denied', 'expired'))`,
    );
  }
}
