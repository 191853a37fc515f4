import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sign-in troubleshooter looks up observations by the NameID or the email the IdP sent — the
 * only trace of a NameID that matched nobody. Without these, each look-up scans the scope's rows.
 */
export class SignInLookUpIndexes1765060000000 implements MigrationInterface {
  name = 'SignInLookUpIndexes1765060000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX "ix_saml_sign_ins_group_name_id" ON "saml_sign_ins" ("group_id", "name_id", "id")');
    await q.query('CREATE INDEX "ix_saml_sign_ins_group_email" ON "saml_sign_ins" ("group_id", "email", "id")');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "ix_saml_sign_ins_group_email"');
    await q.query('DROP INDEX "ix_saml_sign_ins_group_name_id"');
  }
}
