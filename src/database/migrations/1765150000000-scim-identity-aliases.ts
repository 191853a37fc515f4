import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * `scim_identity_aliases`: previous extern_uids that keep addressing a SCIM identity (scim-api.md,
 * "Leniency kept on purpose"). One value per scope, like the identities' own (a partial unique index
 * for the instance, whose group_id is NULL); removed with their identity or group.
 */
export class ScimIdentityAliases1765150000000 implements MigrationInterface {
  name = 'ScimIdentityAliases1765150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'scim_identity_aliases',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'group_id', type: 'integer', isNullable: true },
          { name: 'identity_id', type: 'integer', isNullable: false },
          { name: 'extern_uid', type: 'varchar', isNullable: false },
          { name: 'extern_uid_lower', type: 'varchar', isNullable: false },
          { name: 'created_at', type: 'varchar', isNullable: false },
        ],
        indices: [
          new TableIndex({ name: 'uq_scim_identity_aliases_group_extern_uid_lower', columnNames: ['group_id', 'extern_uid_lower'], isUnique: true }),
          new TableIndex({ name: 'uq_scim_identity_aliases_instance_extern_uid_lower', columnNames: ['extern_uid_lower'], isUnique: true, where: 'group_id IS NULL' }),
          new TableIndex({ name: 'ix_scim_identity_aliases_identity', columnNames: ['identity_id'] }),
        ],
        foreignKeys: [
          { columnNames: ['group_id'], referencedTableName: 'groups', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
          { columnNames: ['identity_id'], referencedTableName: 'scim_identities', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('scim_identity_aliases');
  }
}
