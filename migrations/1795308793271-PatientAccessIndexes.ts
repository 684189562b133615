import { MigrationInterface, QueryRunner } from 'typeorm';

export class PatientAccessIndexes1795308793271 implements MigrationInterface {
  name = 'PatientAccessIndexes1795308793271';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_clinical_documents_patient_occurred"`);
    await queryRunner.query(
      `CREATE INDEX "idx_clinical_documents_patient_category_occurred" ON "clinical_documents"  ("patient_id", "category", "occurred_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_clinical_documents_patient_occurred" ON "clinical_documents"  ("patient_id", "occurred_at", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_clinical_documents_patient_occurred"`);
    await queryRunner.query(`DROP INDEX "public"."idx_clinical_documents_patient_category_occurred"`);
    await queryRunner.query(
      `CREATE INDEX "idx_clinical_documents_patient_occurred" ON "clinical_documents" USING btree ("patient_id", "occurred_at") `,
    );
  }
}
