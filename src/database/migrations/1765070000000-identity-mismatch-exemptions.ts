import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Owners mark members who sign in without SAML by design; the identity-mismatch report skips them. */
export class IdentityMismatchExemptions1765070000000 implements MigrationInterface {
  name = 'IdentityMismatchExemptions1765070000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'identity_mismatch_exemptions',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'group_id', type: 'integer' },
          { name: 'user_id', type: 'integer' },
          { name: 'created_at', type: 'varchar' },
        ],
        indices: [{ name: 'uq_identity_mismatch_exemptions', columnNames: ['group_id', 'user_id'], isUnique: true }],
        foreignKeys: [
          { columnNames: ['group_id'], referencedTableName: 'groups', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
          { columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('identity_mismatch_exemptions');
  }
}
