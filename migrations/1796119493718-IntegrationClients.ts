import { MigrationInterface, QueryRunner } from 'typeorm';

/** Integration clients (issue 18, item 9): API keys per system, stored as SHA-256, revocable. */
export class IntegrationClients1796119493718 implements MigrationInterface {
  name = 'IntegrationClients1796119493718';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "integration_clients" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "system" character varying(10) NOT NULL, "name" character varying(100) NOT NULL, "key_hash" character(64) NOT NULL, "key_prefix" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "chk_integration_clients_system" CHECK ("system" IN ('ehr', 'portal')), CONSTRAINT "PK_38a6ed3834fe9aeb1d467c4804f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_integration_clients_key_hash" ON "integration_clients"  ("key_hash") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_integration_clients_key_hash"`);
    await queryRunner.query(`DROP TABLE "integration_clients"`);
  }
}
