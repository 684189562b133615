import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795308167230 implements MigrationInterface {
  name = 'InitialSchema1795308167230';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_id" uuid, "actor_kind" character varying(20) NOT NULL, "action" character varying(60) NOT NULL, "patient_id" uuid, "basis" character varying(20), "outcome" character varying(20) NOT NULL, "details" jsonb NOT NULL, "prev_hash" character(64), "hash" character(64) NOT NULL, CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_audit_events_actor_at" ON "audit_events"  ("actor_id", "at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_audit_events_patient_at" ON "audit_events"  ("patient_id", "at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "practices" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "search_name" character varying(200) NOT NULL, "address" text NOT NULL, "city" character varying(100), "phone" character varying(40) NOT NULL, "fax" character varying(40) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0934829c5859a843625e6ff1c34" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_practices_search_name" ON "practices"  ("search_name") `);
    await queryRunner.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(20) NOT NULL, "email" character varying(254) NOT NULL, "password_hash" text, "first_name" character varying(100) NOT NULL, "last_name" character varying(100) NOT NULL, "npi" character(10), "practice_id" uuid, "sponsor_id" uuid, "sponsored_role" character varying(40), "is_sponsor" boolean NOT NULL DEFAULT false, "hospital_id" character varying(100), "status" character varying(20) NOT NULL, "lock_reason" character varying(30), "locked_until" TIMESTAMP WITH TIME ZONE, "failed_login_count" integer NOT NULL DEFAULT '0', "totp_secret" text, "totp_enrolled_at" TIMESTAMP WITH TIME ZONE, "totp_last_step" bigint, "email_verified_at" TIMESTAMP WITH TIME ZONE, "approved_at" TIMESTAMP WITH TIME ZONE, "approved_by" uuid, "rejection_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_email" ON "users"  ("email") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_npi" ON "users"  ("npi") `);
    await queryRunner.query(`CREATE INDEX "idx_users_practice_id" ON "users"  ("practice_id") `);
    await queryRunner.query(`CREATE INDEX "idx_users_sponsor_id" ON "users"  ("sponsor_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_hospital_id" ON "users"  ("hospital_id") `);
    await queryRunner.query(
      `CREATE TABLE "action_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "purpose" character varying(20) NOT NULL, "token_hash" character(64) NOT NULL, "payload" jsonb, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d29a2a18dc1b6b8abe2a151bea0" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_action_tokens_user_id" ON "action_tokens"  ("user_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_action_tokens_hash" ON "action_tokens"  ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_active_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoke_reason" character varying(40), "method" character varying(20) NOT NULL, CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_sessions_user_id" ON "sessions"  ("user_id") `);
    await queryRunner.query(
      `CREATE TABLE "refresh_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "spent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_refresh_tokens_session_id" ON "refresh_tokens"  ("session_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_refresh_tokens_hash" ON "refresh_tokens"  ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "template" character varying(80) NOT NULL, "recipient" character varying(254) NOT NULL, "data" jsonb NOT NULL, "idempotency_key" character varying(200) NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "queued_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "failed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_notifications_idempotency_key" ON "notifications"  ("idempotency_key") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_notifications_status_created" ON "notifications"  ("status", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "patients" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "mrn" character varying(32) NOT NULL, "first_name" character varying(100) NOT NULL, "last_name" character varying(100) NOT NULL, "search_first_name" character varying(100) NOT NULL, "search_last_name" character varying(100) NOT NULL, "dob" date NOT NULL, "pcp_npi" character(10), "has_portal_account" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a7f0b9fcbb3469d5ec0b0aceaa7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_patients_mrn" ON "patients"  ("mrn") `);
    await queryRunner.query(`CREATE INDEX "idx_patients_pcp_npi" ON "patients"  ("pcp_npi") `);
    await queryRunner.query(
      `CREATE INDEX "idx_patients_name_dob" ON "patients"  ("search_last_name", "search_first_name", "dob") `,
    );
    await queryRunner.query(
      `CREATE TABLE "access_grants" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "basis" character varying(20) NOT NULL, "source_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_by" uuid, CONSTRAINT "PK_451012952c6aa19c9f6e4ddcc19" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_access_grants_patient_id" ON "access_grants"  ("patient_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_access_grants_user_patient" ON "access_grants"  ("user_id", "patient_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "care_team_members" ("patient_id" uuid NOT NULL, "npi" character(10) NOT NULL, CONSTRAINT "PK_041d16972458b41a1f6ee4800b2" PRIMARY KEY ("patient_id", "npi"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_care_team_members_npi" ON "care_team_members"  ("npi") `);
    await queryRunner.query(
      `CREATE TABLE "clinical_documents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "patient_id" uuid NOT NULL, "external_id" character varying(128) NOT NULL, "category" character varying(20) NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "title" character varying(300) NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7f1447f34f78531308196217635" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_clinical_documents_external_id" ON "clinical_documents"  ("external_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_clinical_documents_patient_occurred" ON "clinical_documents"  ("patient_id", "occurred_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "practice_roster" ("practice_id" uuid NOT NULL, "npi" character(10) NOT NULL, "added_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e40b47a0e5daf59a1e4ac273345" PRIMARY KEY ("practice_id", "npi"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_practice_roster_npi" ON "practice_roster"  ("npi") `);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "fk_users_practice" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "fk_users_sponsor" FOREIGN KEY ("sponsor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "action_tokens" ADD CONSTRAINT "fk_action_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD CONSTRAINT "fk_sessions_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "refresh_tokens" ADD CONSTRAINT "fk_refresh_tokens_session" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "access_grants" ADD CONSTRAINT "fk_access_grants_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "access_grants" ADD CONSTRAINT "fk_access_grants_patient" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "care_team_members" ADD CONSTRAINT "fk_care_team_members_patient" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "clinical_documents" ADD CONSTRAINT "fk_clinical_documents_patient" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "practice_roster" ADD CONSTRAINT "fk_practice_roster_practice" FOREIGN KEY ("practice_id") REFERENCES "practices"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "practice_roster" DROP CONSTRAINT "fk_practice_roster_practice"`);
    await queryRunner.query(
      `ALTER TABLE "clinical_documents" DROP CONSTRAINT "fk_clinical_documents_patient"`,
    );
    await queryRunner.query(`ALTER TABLE "care_team_members" DROP CONSTRAINT "fk_care_team_members_patient"`);
    await queryRunner.query(`ALTER TABLE "access_grants" DROP CONSTRAINT "fk_access_grants_patient"`);
    await queryRunner.query(`ALTER TABLE "access_grants" DROP CONSTRAINT "fk_access_grants_user"`);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP CONSTRAINT "fk_refresh_tokens_session"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "fk_sessions_user"`);
    await queryRunner.query(`ALTER TABLE "action_tokens" DROP CONSTRAINT "fk_action_tokens_user"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "fk_users_sponsor"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "fk_users_practice"`);
    await queryRunner.query(`DROP INDEX "public"."idx_practice_roster_npi"`);
    await queryRunner.query(`DROP TABLE "practice_roster"`);
    await queryRunner.query(`DROP INDEX "public"."idx_clinical_documents_patient_occurred"`);
    await queryRunner.query(`DROP INDEX "public"."uq_clinical_documents_external_id"`);
    await queryRunner.query(`DROP TABLE "clinical_documents"`);
    await queryRunner.query(`DROP INDEX "public"."idx_care_team_members_npi"`);
    await queryRunner.query(`DROP TABLE "care_team_members"`);
    await queryRunner.query(`DROP INDEX "public"."idx_access_grants_user_patient"`);
    await queryRunner.query(`DROP INDEX "public"."idx_access_grants_patient_id"`);
    await queryRunner.query(`DROP TABLE "access_grants"`);
    await queryRunner.query(`DROP INDEX "public"."idx_patients_name_dob"`);
    await queryRunner.query(`DROP INDEX "public"."idx_patients_pcp_npi"`);
    await queryRunner.query(`DROP INDEX "public"."uq_patients_mrn"`);
    await queryRunner.query(`DROP TABLE "patients"`);
    await queryRunner.query(`DROP INDEX "public"."idx_notifications_status_created"`);
    await queryRunner.query(`DROP INDEX "public"."uq_notifications_idempotency_key"`);
    await queryRunner.query(`DROP TABLE "notifications"`);
    await queryRunner.query(`DROP INDEX "public"."uq_refresh_tokens_hash"`);
    await queryRunner.query(`DROP INDEX "public"."idx_refresh_tokens_session_id"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."idx_sessions_user_id"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP INDEX "public"."uq_action_tokens_hash"`);
    await queryRunner.query(`DROP INDEX "public"."idx_action_tokens_user_id"`);
    await queryRunner.query(`DROP TABLE "action_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."uq_users_hospital_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_users_sponsor_id"`);
    await queryRunner.query(`DROP INDEX "public"."idx_users_practice_id"`);
    await queryRunner.query(`DROP INDEX "public"."uq_users_npi"`);
    await queryRunner.query(`DROP INDEX "public"."uq_users_email"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP INDEX "public"."idx_practices_search_name"`);
    await queryRunner.query(`DROP TABLE "practices"`);
    await queryRunner.query(`DROP INDEX "public"."idx_audit_events_patient_at"`);
    await queryRunner.query(`DROP INDEX "public"."idx_audit_events_actor_at"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
