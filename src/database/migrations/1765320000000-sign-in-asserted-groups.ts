import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A link offer's observation keeps the groups its assertion carried (JSON array, or null when the
 * assertion had no groups attribute), so pressing Authorize applies group sync as a sign-in would.
 */
export class SignInAssertedGroups1765320000000 implements MigrationInterface {
  name = 'SignInAssertedGroups1765320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_sign_ins" ADD COLUMN "asserted_groups" text NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_sign_ins" DROP COLUMN "asserted_groups"');
  }
}
