import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, ruby-saml parity: the IdP's entity id, checked against every Issuer of a response when
 * set (ruby-saml's `idp_entity_id`), and whether the Assertion itself must be signed (ruby-saml's
 * `want_assertions_signed`; the SP metadata's `WantAssertionsSigned` says the same). Existing
 * providers keep today's behaviour: no Issuer check, a Response-level signature is enough.
 */
export class SamlProviderIssuerAndAssertionSigning1765300000000 implements MigrationInterface {
  name = 'SamlProviderIssuerAndAssertionSigning1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_providers" ADD COLUMN "idp_entity_id" varchar NULL');
    await q.query('ALTER TABLE "saml_providers" ADD COLUMN "want_assertions_signed" boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_providers" DROP COLUMN "want_assertions_signed"');
    await q.query('ALTER TABLE "saml_providers" DROP COLUMN "idp_entity_id"');
  }
}
