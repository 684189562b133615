import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-written: the audit trail is append-only and hash-chained, enforced in PostgreSQL.
 *
 * - BEFORE UPDATE / DELETE (row) and BEFORE TRUNCATE (statement) triggers raise, for every role,
 *   superusers included (only disabling the trigger or `session_replication_role = replica`, both
 *   superuser/owner acts, get round them — and then the hash chain shows the change).
 * - BEFORE INSERT: under a transaction-scoped advisory lock, the row takes the next id, the
 *   previous row's hash as `prev_hash`, and `hash = sha256(coalesce(prev_hash, '') || canonical)`
 *   where canonical is `audit_event_canonical(...)` (a JSON array of the row's fields). The lock is
 *   held until commit, so the chain is linear and ids follow it.
 *
 * scripts/audit-verify.ts recomputes the same expression (keep them in step).
 */
export class AuditAppendOnlyChain1795308500000 implements MigrationInterface {
  name = 'AuditAppendOnlyChain1795308500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION audit_event_canonical(id bigint, at timestamptz, actor_id uuid, actor_kind text, action text,
                                            patient_id uuid, basis text, outcome text, details jsonb)
      RETURNS text LANGUAGE sql STABLE AS $$
        SELECT jsonb_build_array(id::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                 actor_id::text, actor_kind, action, patient_id::text, basis, outcome, details)::text
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        previous char(64);
      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'audit_events: write audit entries in READ COMMITTED transactions (chain head must be current)'
            USING ERRCODE = '25001';
        END IF;
        PERFORM pg_advisory_xact_lock(728114399);
        NEW.id := nextval(pg_get_serial_sequence('audit_events', 'id'));
        SELECT hash INTO previous FROM audit_events ORDER BY id DESC LIMIT 1;
        NEW.prev_hash := previous;
        NEW.hash := encode(sha256(convert_to(coalesce(previous, '') || audit_event_canonical(
          NEW.id, NEW.at, NEW.actor_id, NEW.actor_kind, NEW.action, NEW.patient_id, NEW.basis, NEW.outcome, NEW.details), 'UTF8')), 'hex');
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = '42501';
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_chain()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`,
    );
    // A deployment that runs the app as a non-owner role (recommended) gives it only these rights.
    await queryRunner.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mypatients_app') THEN
          REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM mypatients_app;
          GRANT SELECT, INSERT ON audit_events TO mypatients_app;
        END IF;
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER audit_events_no_truncate ON audit_events`);
    await queryRunner.query(`DROP TRIGGER audit_events_no_update_delete ON audit_events`);
    await queryRunner.query(`DROP TRIGGER audit_events_chain ON audit_events`);
    await queryRunner.query(`DROP FUNCTION audit_events_refuse_change()`);
    await queryRunner.query(`DROP FUNCTION audit_events_chain()`);
    await queryRunner.query(
      `DROP FUNCTION audit_event_canonical(bigint, timestamptz, uuid, text, text, uuid, text, text, jsonb)`,
    );
  }
}
