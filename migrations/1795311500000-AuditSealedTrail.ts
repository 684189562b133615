import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-written (issue 14): the audit trail is sealed off the request path with a key the database
 * does not hold. See docs/audit.md for the design and the threat model.
 *
 * - The BEFORE INSERT chain trigger and its global advisory lock go: an audit entry is a plain
 *   INSERT. The UPDATE/DELETE/TRUNCATE refusals stay.
 * - `audit_next_id()` takes the transaction's id (xid) *before* the sequence value, so the sealer's
 *   horizon rule holds: any transaction holding an entry id has an xid that a later read of the
 *   backends' xids lists while it runs (docs/audit.md, "Which entries can be sealed").
 * - `audit_seals (id → link, key_id)`: the HMAC links, in their own append-only table, so
 *   `audit_events` stays strictly append-only (no column the sealer may update).
 * - `audit_seal_state`: one row, the last sealed id, its link and the count; the sealer updates
 *   it in the same transaction as the batch's links, so a crash never leaves them apart.
 * - Legacy entries (public SHA-256 chain in `prev_hash`/`hash`) are checked here once; the result
 *   is kept in `audit_seal_state.legacy_broken_at` (NULL: intact). The sealer then seals the whole
 *   trail from the first entry with the key (state starts at 0) — the one re-seal step. The legacy
 *   columns are kept for the record and are NULL for new entries.
 * The tables are not entities (like the account_directory view), so the drift check ignores them.
 */
export class AuditSealedTrail1795311500000 implements MigrationInterface {
  name = 'AuditSealedTrail1795311500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS audit_events_chain ON audit_events`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS audit_events_chain()`);
    await queryRunner.query(`ALTER TABLE audit_events ALTER COLUMN hash DROP NOT NULL`);
    await queryRunner.query(`
      CREATE FUNCTION audit_next_id() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_current_xact_id();
        RETURN nextval(pg_get_serial_sequence('audit_events', 'id'));
      END $$`);
    // One refusal function for every audit table (the message names the table).
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = '42501';
      END $$`);
    await queryRunner.query(`
      CREATE TABLE audit_seals (
        id bigint PRIMARY KEY REFERENCES audit_events (id),
        link char(64) NOT NULL,
        key_id char(16) NOT NULL
      )`);
    await queryRunner.query(
      `CREATE TRIGGER audit_seals_no_update_delete BEFORE UPDATE OR DELETE ON audit_seals FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`,
    );
    await queryRunner.query(`
      CREATE TABLE audit_seal_state (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        last_id bigint NOT NULL DEFAULT 0,
        link char(64),
        count bigint NOT NULL DEFAULT 0,
        sealed_at timestamptz,
        legacy_broken_at bigint
      )`);
    await queryRunner.query(`
      CREATE TRIGGER audit_seal_state_no_delete BEFORE DELETE ON audit_seal_state
        FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_seal_state_no_truncate BEFORE TRUNCATE ON audit_seal_state
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);
    // The legacy chain, checked once before the re-seal blesses it (docs/audit.md, "Upgrading").
    await queryRunner.query(`
      DO $$
      DECLARE
        r record;
        previous text := NULL;
        broken bigint := NULL;
      BEGIN
        FOR r IN SELECT id, prev_hash, hash, audit_event_canonical(id, at, actor_id, actor_kind, action, patient_id, basis, outcome, details) AS c
                   FROM audit_events ORDER BY id LOOP
          IF r.prev_hash IS DISTINCT FROM previous
             OR r.hash IS DISTINCT FROM encode(sha256(convert_to(coalesce(previous, '') || r.c, 'UTF8')), 'hex') THEN
            broken := r.id;
            EXIT;
          END IF;
          previous := r.hash;
        END LOOP;
        INSERT INTO audit_seal_state (singleton, legacy_broken_at) VALUES (true, broken);
        IF broken IS NOT NULL THEN
          RAISE WARNING 'audit_events: the legacy hash chain is broken at entry % (kept in audit_seal_state.legacy_broken_at)', broken;
        END IF;
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_seal_state`);
    await queryRunner.query(`DROP TABLE audit_seals`);
    await queryRunner.query(`DROP FUNCTION audit_next_id()`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = '42501';
      END $$`);
    // The chain trigger is not restored: entries written since have no legacy hash.
  }
}
