import { MigrationInterface, QueryRunner } from 'typeorm';

/** Hand-written: the one-active-request rule, status CHECKs and an append-only history. */
export class PcpUpdatesConstraints1795308709839 implements MigrationInterface {
  name = 'PcpUpdatesConstraints1795308709839';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_pcp_update_requests_active" ON "pcp_update_requests" ("requester_id", "patient_id")
       WHERE status IN ('open', 'in_progress')`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" ADD CONSTRAINT "chk_pcp_update_requests_status"
       CHECK (status IN ('open', 'in_progress', 'completed', 'rejected'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" ADD CONSTRAINT "chk_pcp_update_requests_state" CHECK (
         (status <> 'in_progress' OR assignee_id IS NOT NULL)
         AND (status <> 'open' OR assignee_id IS NULL)
         AND (status <> 'completed' OR (confirmed_at IS NOT NULL AND applied_pcp_npi IS NOT NULL AND closed_at IS NOT NULL))
         AND (status <> 'rejected' OR (rejection_reason IS NOT NULL AND closed_at IS NOT NULL)))`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" ADD CONSTRAINT "chk_pcp_update_requests_confirmation" CHECK (
         confirmation_method IS NULL OR confirmation_method IN ('phone', 'in_person', 'video', 'portal_message'))`,
    );
    await queryRunner.query(`
      CREATE FUNCTION pcp_update_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'pcp_update_events is append-only';
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER trg_pcp_update_events_append_only BEFORE UPDATE ON "pcp_update_events"
       FOR EACH ROW EXECUTE FUNCTION pcp_update_events_append_only()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER trg_pcp_update_events_append_only ON "pcp_update_events"`);
    await queryRunner.query(`DROP FUNCTION pcp_update_events_append_only()`);
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" DROP CONSTRAINT "chk_pcp_update_requests_confirmation"`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" DROP CONSTRAINT "chk_pcp_update_requests_state"`,
    );
    await queryRunner.query(
      `ALTER TABLE "pcp_update_requests" DROP CONSTRAINT "chk_pcp_update_requests_status"`,
    );
    await queryRunner.query(`DROP INDEX "uq_pcp_update_requests_active"`);
  }
}
