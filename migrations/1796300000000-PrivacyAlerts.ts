import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The privacy officer (API.md v1.1 "Privacy"):
 * - `alerts` (privacy module): `unusual_search` and `self_granted` alerts, at most one open per
 *   `dedupe_key` (partial unique index);
 * - `idx_audit_events_at_id` on `audit_events (at, id)` (declared on the audit entity): the trail's
 *   date-range search and the CSV export read it in keyset order without a sort or a full scan.
 */
export class PrivacyAlerts1796300000000 implements MigrationInterface {
  name = 'PrivacyAlerts1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "alerts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(30) NOT NULL, "user_id" uuid NOT NULL,
         "at" TIMESTAMP WITH TIME ZONE NOT NULL, "summary" text NOT NULL, "details" jsonb NOT NULL DEFAULT '{}',
         "dedupe_key" character varying(300) NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'open',
         "resolved_at" TIMESTAMP WITH TIME ZONE, "resolved_by" uuid, "resolution_note" text,
         CONSTRAINT "ck_alerts_kind" CHECK ("kind" IN ('unusual_search', 'self_granted')),
         CONSTRAINT "ck_alerts_status" CHECK ("status" IN ('open', 'resolved')),
         CONSTRAINT "ck_alerts_resolved" CHECK (("status" = 'resolved') = ("resolved_at" IS NOT NULL)),
         CONSTRAINT "PK_alerts" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_alerts_status_at" ON "alerts" ("status", "at", "id") `);
    await queryRunner.query(`CREATE INDEX "idx_alerts_at" ON "alerts" ("at", "id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_alerts_open_dedupe" ON "alerts" ("dedupe_key") WHERE "status" = 'open'`,
    );
    await queryRunner.query(
      `ALTER TABLE "alerts" ADD CONSTRAINT "fk_alerts_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`CREATE INDEX "idx_audit_events_at_id" ON "audit_events" ("at", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_audit_events_at_id"`);
    await queryRunner.query(`DROP TABLE "alerts"`);
  }
}
