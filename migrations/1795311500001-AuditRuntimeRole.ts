import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-written (issue 14): the privileges of the role the service runs as (docs/audit.md, "Roles").
 *
 * `mypatients_runtime` is a NOLOGIN group role; the login role of DATABASE_URL is made a member
 * (`CREATE ROLE mypatients_app LOGIN PASSWORD '…' IN ROLE mypatients_runtime`), while migrations
 * run as the owner of the schema (MIGRATION_DATABASE_URL). The runtime role owns nothing, so it
 * has no DDL (ALTER/DROP/DISABLE TRIGGER need ownership); on the audit tables it may only INSERT
 * and SELECT (`audit_seal_state` also UPDATE: the sealer's position). Tables later migrations
 * create get the ordinary rights through the default privileges.
 *
 * Creating the group role needs CREATEROLE; where the migrating role lacks it, an administrator
 * creates the role first (the grants below then apply) — otherwise this step only notes it.
 */
export class AuditRuntimeRole1795311500001 implements MigrationInterface {
  name = 'AuditRuntimeRole1795311500001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mypatients_runtime') THEN
          BEGIN
            CREATE ROLE mypatients_runtime NOLOGIN;
          EXCEPTION
            WHEN duplicate_object THEN NULL;
            WHEN insufficient_privilege THEN
              RAISE NOTICE 'role mypatients_runtime does not exist and cannot be created here: see docs/audit.md (Roles)';
              RETURN;
          END;
        END IF;
        GRANT USAGE ON SCHEMA public TO mypatients_runtime;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO mypatients_runtime;
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO mypatients_runtime;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO mypatients_runtime;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO mypatients_runtime;
        REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events, audit_seals FROM mypatients_runtime;
        REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_seal_state FROM mypatients_runtime;
        -- Only the migration path may change migration history.
        IF to_regclass('public.schema_migrations') IS NOT NULL THEN
          REVOKE INSERT, UPDATE, DELETE ON public.schema_migrations FROM mypatients_runtime;
        END IF;
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mypatients_runtime') THEN
          ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM mypatients_runtime;
          ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM mypatients_runtime;
          REVOKE ALL ON ALL TABLES IN SCHEMA public FROM mypatients_runtime;
          REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM mypatients_runtime;
          REVOKE USAGE ON SCHEMA public FROM mypatients_runtime;
        END IF;
      END $$`);
  }
}
