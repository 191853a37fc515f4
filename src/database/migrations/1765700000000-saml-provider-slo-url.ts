import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, single logout and IdP metadata import: the IdP's SingleLogoutService URL, where
 * Roster's sign-out sends its LogoutRequest (filled by hand or from the IdP's metadata).
 */
export class SamlProviderSloUrl1765700000000 implements MigrationInterface {
  name = 'SamlProviderSloUrl1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_providers" ADD COLUMN "slo_url" varchar NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_providers" DROP COLUMN "slo_url"');
  }
}
