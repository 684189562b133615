import { MigrationInterface, QueryRunner } from 'typeorm';

/** The last run of each scheduled job, for `GET /staff/jobs` (issue 16). Owned by the jobs module. */
export class JobRuns1796200000001 implements MigrationInterface {
  name = 'JobRuns1796200000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "job_runs" ("name" character varying(60) NOT NULL, "last_run_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_as_of" date NOT NULL, "last_affected" integer, "last_status" character varying(20) NOT NULL, CONSTRAINT "PK_job_runs_name" PRIMARY KEY ("name"), CONSTRAINT "ck_job_runs_status" CHECK ("last_status" IN ('succeeded', 'failed')))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "job_runs"`);
  }
}
