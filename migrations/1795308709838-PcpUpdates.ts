import { MigrationInterface, QueryRunner } from 'typeorm';

export class PcpUpdates1795308709838 implements MigrationInterface {
  name = 'PcpUpdates1795308709838';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "pcp_update_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "patient_id" uuid NOT NULL, "requester_id" uuid NOT NULL, "note" text, "status" character varying(20) NOT NULL, "assignee_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "claimed_at" TIMESTAMP WITH TIME ZONE, "confirmed_by_name" character varying(200), "confirmation_relationship" character varying(30), "confirmation_method" character varying(30), "confirmed_at" TIMESTAMP WITH TIME ZONE, "confirmation_recorded_by" uuid, "confirmation_recorded_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "closed_by" uuid, "rejection_reason" text, "applied_pcp_npi" character(10), "previous_pcp_npi" character(10), CONSTRAINT "PK_54a56551c42b6674010caedffa5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_pcp_update_requests_patient_id" ON "pcp_update_requests"  ("patient_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_pcp_update_requests_requester_id" ON "pcp_update_requests"  ("requester_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_pcp_update_requests_assignee_id" ON "pcp_update_requests"  ("assignee_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_pcp_update_requests_status_due" ON "pcp_update_requests"  ("status", "due_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "pcp_update_events" ("id" BIGSERIAL NOT NULL, "request_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_id" uuid, "type" character varying(30) NOT NULL, "from_status" character varying(20), "to_status" character varying(20) NOT NULL, "details" jsonb NOT NULL, CONSTRAINT "PK_7e4476436b923f5583b3081b8b7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_pcp_update_events_request_at" ON "pcp_update_events"  ("request_id", "at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" ADD CONSTRAINT "fk_pcp_update_requests_patient" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" ADD CONSTRAINT "fk_pcp_update_requests_requester" FOREIGN KEY ("requester_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" ADD CONSTRAINT "fk_pcp_update_requests_assignee" FOREIGN KEY ("assignee_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_events" ADD CONSTRAINT "fk_pcp_update_events_request" FOREIGN KEY ("request_id") REFERENCES "pcp_update_requests"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "pcp_update_events" DROP CONSTRAINT "fk_pcp_update_events_request"`);
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" DROP CONSTRAINT "fk_pcp_update_requests_assignee"`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" DROP CONSTRAINT "fk_pcp_update_requests_requester"`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" DROP CONSTRAINT "fk_pcp_update_requests_patient"`,
    );
    await queryRunner.query(`DROP INDEX "public"."idx_pcp_update_events_request_at"`);
    await queryRunner.query(`DROP TABLE "pcp_update_events"`);
    await queryRunner.query(`DROP INDEX "public"."idx_pcp_update_requests_status_due"`);
    await queryRunner.query(`DROP INDEX "public"."idx_pcp_update_requests_assignee_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_pcp_update_requests_requester_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_pcp_update_requests_patient_id"`);
    await queryRunner.query(`DROP TABLE "pcp_update_requests"`);
  }
}
