import { MigrationInterface, QueryRunner } from 'typeorm';

/** Hand-written: the partial unique index (one pending request per requester and patient) and CHECKs. */
export class AccessRequestsConstraints1795308488433 implements MigrationInterface {
  name = 'AccessRequestsConstraints1795308488433';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_access_requests_pending" ON "access_requests" ("requester_id", "patient_id") WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_access_requests_pending_expiry" ON "access_requests" ("expires_at") WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `ALTER TABLE "access_requests" ADD CONSTRAINT "ck_access_requests_status" CHECK (status IN ('pending', 'approved', 'denied', 'expired'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "access_requests" ADD CONSTRAINT "ck_access_requests_decided" CHECK ((status = 'pending') = (decided_at IS NULL))`,
    );
    await queryRunner.query(
      `ALTER TABLE "access_requests" ADD CONSTRAINT "ck_access_requests_grant" CHECK (grant_id IS NULL OR status = 'approved')`,
    );
    await queryRunner.query(
      `ALTER TABLE "invitations" ADD CONSTRAINT "ck_invitations_issuer" CHECK (issued_by_kind IN ('staff', 'portal'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "invitations" ADD CONSTRAINT "ck_invitations_used" CHECK (used_by IS NULL OR used_at IS NOT NULL)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invitations" DROP CONSTRAINT "ck_invitations_used"`);
    await queryRunner.query(`ALTER TABLE "invitations" DROP CONSTRAINT "ck_invitations_issuer"`);
    await queryRunner.query(`ALTER TABLE "access_requests" DROP CONSTRAINT "ck_access_requests_grant"`);
    await queryRunner.query(`ALTER TABLE "access_requests" DROP CONSTRAINT "ck_access_requests_decided"`);
    await queryRunner.query(`ALTER TABLE "access_requests" DROP CONSTRAINT "ck_access_requests_status"`);
    await queryRunner.query(`DROP INDEX "public"."idx_access_requests_pending_expiry"`);
    await queryRunner.query(`DROP INDEX "public"."uq_access_requests_pending"`);
  }
}
