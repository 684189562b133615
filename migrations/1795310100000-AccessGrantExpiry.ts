import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Personal grants expire (API.md v1.1): `access_grants.expires_at`. Grants made before the upgrade
 * expire ACCESS_GRANT_MONTHS (default 12) calendar months after it, at the end of that hospital day
 * (month end clamped: PostgreSQL's `+ interval 'N months'` clamps the day as the service does).
 */
export class AccessGrantExpiry1795310100000 implements MigrationInterface {
  name = 'AccessGrantExpiry1795310100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const raw = Number(process.env.ACCESS_GRANT_MONTHS ?? '12');
    const months = Number.isInteger(raw) && raw >= 1 ? raw : 12;
    await queryRunner.query(`ALTER TABLE "access_grants" ADD "expires_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `UPDATE "access_grants"
          SET "expires_at" = (date_trunc('day', now() AT TIME ZONE 'America/New_York')
                              + make_interval(months => $1) + interval '1 day') AT TIME ZONE 'America/New_York'`,
      [months],
    );
    await queryRunner.query(`ALTER TABLE "access_grants" ALTER COLUMN "expires_at" SET NOT NULL`);
    // The expiry job's scans: open grants by expiry.
    await queryRunner.query(
      `CREATE INDEX "idx_access_grants_open_expiry" ON "access_grants" ("expires_at") WHERE "revoked_at" IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_access_grants_open_expiry"`);
    await queryRunner.query(`ALTER TABLE "access_grants" DROP COLUMN "expires_at"`);
  }
}
