import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, certificate rotation without an outage: a second IdP signing certificate accepted
 * beside the first, so an owner adds the IdP's new certificate before the IdP switches to it and
 * removes the old one afterwards.
 */
export class SamlProviderSecondaryCertificate1765310000000 implements MigrationInterface {
  name = 'SamlProviderSecondaryCertificate1765310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_providers" ADD COLUMN "secondary_certificate" text NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_providers" DROP COLUMN "secondary_certificate"');
  }
}
