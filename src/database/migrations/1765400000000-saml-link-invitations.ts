import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Link invitations (issue 16, point 2): an Owner's one-time, expiring invitation for an existing
 * account to link the NameID the group's IdP sends. Only the SHA-256 digest of the invitation's
 * secret is stored. `saml_requests.link_invitation_id` binds an AuthnRequest to the invitation
 * that started it, so the response's (signed) InResponseTo says which account to link.
 */
export class SamlLinkInvitations1765400000000 implements MigrationInterface {
  name = 'SamlLinkInvitations1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'saml_link_invitations',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'group_id', type: 'integer' },
          { name: 'user_id', type: 'integer' },
          { name: 'token_digest', type: 'varchar' },
          { name: 'created_by_id', type: 'integer', isNullable: true },
          { name: 'created_by_name', type: 'varchar' },
          { name: 'created_at', type: 'varchar' },
          { name: 'expires_at', type: 'varchar' },
          { name: 'used_at', type: 'varchar', isNullable: true },
          { name: 'used_extern_uid', type: 'varchar', isNullable: true },
          { name: 'revoked_at', type: 'varchar', isNullable: true },
          { name: 'revoked_by_name', type: 'varchar', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'uq_saml_link_invitations_digest', columnNames: ['token_digest'], isUnique: true }),
          new TableIndex({ name: 'ix_saml_link_invitations_group', columnNames: ['group_id', 'id'] }),
        ],
        foreignKeys: [
          { columnNames: ['group_id'], referencedTableName: 'groups', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
          { columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
    await q.query('ALTER TABLE "saml_requests" ADD COLUMN "link_invitation_id" integer NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_requests" DROP COLUMN "link_invitation_id"');
    await q.dropTable('saml_link_invitations');
  }
}
