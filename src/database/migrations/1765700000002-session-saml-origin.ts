import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Issue 14, single logout: a session made by a SAML sign-in remembers which provider and NameID
 * (with its Format and the IdP's SessionIndex) it came from, so sign-out can send that IdP a
 * LogoutRequest and the IdP's LogoutRequest can end exactly those sessions.
 */
export class SessionSamlOrigin1765700000002 implements MigrationInterface {
  name = 'SessionSamlOrigin1765700000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "sessions" ADD COLUMN "saml_scope_key" varchar NULL');
    await q.query('ALTER TABLE "sessions" ADD COLUMN "saml_name_id" varchar NULL');
    await q.query('ALTER TABLE "sessions" ADD COLUMN "saml_name_id_format" varchar NULL');
    await q.query('ALTER TABLE "sessions" ADD COLUMN "saml_session_index" varchar NULL');
    await q.createIndex('sessions', new TableIndex({ name: 'ix_sessions_saml_origin', columnNames: ['saml_scope_key', 'saml_name_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('sessions', 'ix_sessions_saml_origin');
    for (const column of ['saml_session_index', 'saml_name_id_format', 'saml_name_id', 'saml_scope_key']) await q.query(`ALTER TABLE "sessions" DROP COLUMN "${column}"`);
  }
}
