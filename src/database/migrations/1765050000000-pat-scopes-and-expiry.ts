import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A personal access token's scopes and expiry date, as GitLab's clients ask for them. Until now
 * every token carried every right and never expired whatever was asked; tokens made before this
 * migration keep exactly that (`api`, no expiry).
 */
export class PatScopesAndExpiry1765050000000 implements MigrationInterface {
  name = 'PatScopesAndExpiry1765050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "personal_access_tokens" ADD COLUMN "scopes" varchar NOT NULL DEFAULT 'api'`);
    await q.query('ALTER TABLE "personal_access_tokens" ADD COLUMN "expires_at" varchar NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "personal_access_tokens" DROP COLUMN "expires_at"');
    await q.query('ALTER TABLE "personal_access_tokens" DROP COLUMN "scopes"');
  }
}
