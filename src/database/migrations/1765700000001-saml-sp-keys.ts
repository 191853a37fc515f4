import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Issue 14, encrypted assertions and single logout: each provider's own SP key pairs (private keys sealed). */
export class SamlSpKeys1765700000001 implements MigrationInterface {
  name = 'SamlSpKeys1765700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'saml_sp_keys',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'group_id', type: 'integer', isNullable: true },
          { name: 'scope_key', type: 'varchar' },
          { name: 'certificate', type: 'text' },
          { name: 'private_key_encrypted', type: 'text' },
          { name: 'created_at', type: 'varchar' },
        ],
        indices: [{ name: 'ix_saml_sp_keys_scope', columnNames: ['scope_key', 'id'] }],
        foreignKeys: [{ columnNames: ['group_id'], referencedTableName: 'groups', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('saml_sp_keys');
  }
}
