import { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 14, encrypted assertions: the owner's "require encrypted assertions" setting. */
export class SamlProviderRequireEncryptedAssertions1765700000003 implements MigrationInterface {
  name = 'SamlProviderRequireEncryptedAssertions1765700000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_providers" ADD COLUMN "require_encrypted_assertions" boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_providers" DROP COLUMN "require_encrypted_assertions"');
  }
}
