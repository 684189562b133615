import { MigrationInterface, QueryRunner } from 'typeorm';

/** The guardian (portal) or staff cancel an unused invitation (API.md v1.1): `invitations.cancelled_at`. */
export class InvitationCancellation1795310330000 implements MigrationInterface {
  name = 'InvitationCancellation1795310330000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invitations" ADD "cancelled_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "invitations" ADD CONSTRAINT "ck_invitations_cancelled" CHECK ("cancelled_at" IS NULL OR "used_at" IS NULL)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invitations" DROP CONSTRAINT "ck_invitations_cancelled"`);
    await queryRunner.query(`ALTER TABLE "invitations" DROP COLUMN "cancelled_at"`);
  }
}
