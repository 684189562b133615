import { MigrationInterface, QueryRunner } from 'typeorm';

const STATE_V1 = `(status <> 'in_progress' OR assignee_id IS NOT NULL)
         AND (status <> 'open' OR assignee_id IS NULL)
         AND (status <> 'completed' OR (confirmed_at IS NOT NULL AND applied_pcp_npi IS NOT NULL AND closed_at IS NOT NULL))
         AND (status <> 'rejected' OR (rejection_reason IS NOT NULL AND closed_at IS NOT NULL))`;

/**
 * PCP updates that stick (issue 17): withdrawn requests, the free-text relationship, the team's PCP
 * changes for the EHR (`ehr_pcp_changes`, patient-access) and the EHR's `sourceUpdatedAt` on patients.
 * Generated; the CHECK changes at the end are hand-written.
 */

export class PcpUpdatesV111796120247920 implements MigrationInterface {
  name = 'PcpUpdatesV111796120247920';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "ehr_pcp_changes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "patient_id" uuid NOT NULL, "pcp_npi" character(10) NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "request_id" uuid, "acknowledged_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_0346b55523f48522cb642f29278" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_ehr_pcp_changes_request" ON "ehr_pcp_changes"  ("request_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_ehr_pcp_changes_completed" ON "ehr_pcp_changes"  ("completed_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_ehr_pcp_changes_pending" ON "ehr_pcp_changes"  ("patient_id", "completed_at") WHERE "acknowledged_at" IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE "patients" ADD "source_updated_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" ADD "confirmation_relationship_other" character varying(200)`,
    );
    await queryRunner.query(
      `ALTER TABLE "ehr_pcp_changes" ADD CONSTRAINT "fk_ehr_pcp_changes_patient" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" DROP CONSTRAINT "chk_pcp_update_requests_status"`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" ADD CONSTRAINT "chk_pcp_update_requests_status"
       CHECK (status IN ('open', 'in_progress', 'completed', 'rejected', 'withdrawn'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" DROP CONSTRAINT "chk_pcp_update_requests_state"`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" ADD CONSTRAINT "chk_pcp_update_requests_state" CHECK (
         ${STATE_V1}
         AND (status <> 'withdrawn' OR closed_at IS NOT NULL))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // A withdrawn request reads as rejected to v1 (a reason is then required).
    await queryRunner.query(
      `UPDATE "pcp_update_requests" SET status = 'rejected', rejection_reason = COALESCE(rejection_reason, 'Withdrawn by the requester')
       WHERE status = 'withdrawn'`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" DROP CONSTRAINT "chk_pcp_update_requests_state"`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" ADD CONSTRAINT "chk_pcp_update_requests_state" CHECK (${STATE_V1})`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" DROP CONSTRAINT "chk_pcp_update_requests_status"`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" ADD CONSTRAINT "chk_pcp_update_requests_status"
       CHECK (status IN ('open', 'in_progress', 'completed', 'rejected'))`,
    );
    await queryRunner.query(`ALTER TABLE "ehr_pcp_changes" DROP CONSTRAINT "fk_ehr_pcp_changes_patient"`);
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" DROP COLUMN "confirmation_relationship_other"`,
    );
    await queryRunner.query(`ALTER TABLE "patients" DROP COLUMN "source_updated_at"`);
    await queryRunner.query(`DROP INDEX "public"."idx_ehr_pcp_changes_pending"`);
    await queryRunner.query(`DROP INDEX "public"."idx_ehr_pcp_changes_completed"`);
    await queryRunner.query(`DROP INDEX "public"."idx_ehr_pcp_changes_request"`);
    await queryRunner.query(`DROP TABLE "ehr_pcp_changes"`);
  }
}
