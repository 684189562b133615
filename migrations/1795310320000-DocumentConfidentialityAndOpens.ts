import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API.md v1.1, documents and "my patients":
 * - `clinical_documents.confidentiality` (HL7 v3 `N`, `R`, `V`; existing documents `N`), and a partial
 *   index for the record's `withheld` count;
 * - `clinical_documents.body` becomes `jsonb` (a string or a JSON object, returned deep-equal);
 *   existing text bodies become JSON strings;
 * - `patient_opens`: when each user last opened each record (`GET /patients/:patientId`), for
 *   `newDocuments` in `GET /me/patients`.
 */
export class DocumentConfidentialityAndOpens1795310320000 implements MigrationInterface {
  name = 'DocumentConfidentialityAndOpens1795310320000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "clinical_documents" ADD "confidentiality" character varying(1) NOT NULL DEFAULT 'N'`,
    );
    await queryRunner.query(
      `ALTER TABLE "clinical_documents" ADD CONSTRAINT "ck_clinical_documents_confidentiality" CHECK ("confidentiality" IN ('N', 'R', 'V'))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_clinical_documents_withheld" ON "clinical_documents" ("patient_id") WHERE "confidentiality" <> 'N'`,
    );
    await queryRunner.query(
      `ALTER TABLE "clinical_documents" ALTER COLUMN "body" TYPE jsonb USING to_jsonb("body")`,
    );
    await queryRunner.query(
      `CREATE TABLE "patient_opens" ("user_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL,
         CONSTRAINT "PK_patient_opens" PRIMARY KEY ("user_id", "patient_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "patient_opens" ADD CONSTRAINT "fk_patient_opens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "patient_opens" ADD CONSTRAINT "fk_patient_opens_patient" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "patient_opens"`);
    await queryRunner.query(
      `ALTER TABLE "clinical_documents" ALTER COLUMN "body" TYPE text USING (CASE WHEN jsonb_typeof("body") = 'string' THEN "body" #>> '{}' ELSE "body"::text END)`,
    );
    await queryRunner.query(`DROP INDEX "idx_clinical_documents_withheld"`);
    await queryRunner.query(
      `ALTER TABLE "clinical_documents" DROP CONSTRAINT "ck_clinical_documents_confidentiality"`,
    );
    await queryRunner.query(`ALTER TABLE "clinical_documents" DROP COLUMN "confidentiality"`);
  }
}
