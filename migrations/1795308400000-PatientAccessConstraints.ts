import { MigrationInterface, QueryRunner } from 'typeorm';

/** Hand-written: what the entity metadata cannot express for the patient-access tables. */
export class PatientAccessConstraints1795308400000 implements MigrationInterface {
  name = 'PatientAccessConstraints1795308400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // One active grant per user, patient and basis: AccessGrantsService.grant is idempotent by it.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_access_grants_active" ON "access_grants" ("user_id", "patient_id", "basis") WHERE "revoked_at" IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "access_grants" ADD CONSTRAINT "ck_access_grants_basis" CHECK ("basis" IN ('approved_request', 'token'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "clinical_documents" ADD CONSTRAINT "ck_clinical_documents_category"
         CHECK ("category" IN ('encounter', 'appointment', 'result', 'note', 'medication', 'allergy', 'problem'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "patients" ADD CONSTRAINT "ck_patients_pcp_npi" CHECK ("pcp_npi" ~ '^[0-9]{10}$')`,
    );
    await queryRunner.query(
      `ALTER TABLE "care_team_members" ADD CONSTRAINT "ck_care_team_members_npi" CHECK ("npi" ~ '^[0-9]{10}$')`,
    );
    await queryRunner.query(
      `ALTER TABLE "practice_roster" ADD CONSTRAINT "ck_practice_roster_npi" CHECK ("npi" ~ '^[0-9]{10}$')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "practice_roster" DROP CONSTRAINT "ck_practice_roster_npi"`);
    await queryRunner.query(`ALTER TABLE "care_team_members" DROP CONSTRAINT "ck_care_team_members_npi"`);
    await queryRunner.query(`ALTER TABLE "patients" DROP CONSTRAINT "ck_patients_pcp_npi"`);
    await queryRunner.query(
      `ALTER TABLE "clinical_documents" DROP CONSTRAINT "ck_clinical_documents_category"`,
    );
    await queryRunner.query(`ALTER TABLE "access_grants" DROP CONSTRAINT "ck_access_grants_basis"`);
    await queryRunner.query(`DROP INDEX "public"."uq_access_grants_active"`);
  }
}
