import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Group sync (docs/group-sync.md): SAML Group Links per group, SCIM groups per scope with one row
 * per member (adding or removing one member never rewrites a list), the groups a person's newest
 * SAML sign-in asserted, the provider's groups attribute, and where each membership's role comes from.
 */
const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const str = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', isNullable: nullable });
const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const int = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable });
const cascade = (column: string, table: string) => ({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'CASCADE' });
const index = (name: string, columnNames: string[], unique = false) => new TableIndex({ name, columnNames, isUnique: unique });

export class GroupSync1765100000000 implements MigrationInterface {
  name = 'GroupSync1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'saml_group_links',
        columns: [id, int('group_id'), str('name'), int('access_level'), str('created_at')],
        indices: [index('uq_saml_group_links_group_name', ['group_id', 'name'], true)],
        foreignKeys: [cascade('group_id', 'groups')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scim_groups',
        columns: [
          id,
          // NULL for the instance scope; scope_key ('group:<id>' | 'instance') carries uniqueness for both.
          int('group_id', true),
          str('scope_key'),
          str('resource_id'),
          str('display_name'),
          str('display_name_lower'),
          str('external_id', true),
          int('member_count'),
          int('version'),
          str('created_at'),
          str('updated_at'),
        ],
        indices: [
          index('uq_scim_groups_resource_id', ['resource_id'], true),
          index('uq_scim_groups_scope_display_name', ['scope_key', 'display_name_lower'], true),
          index('ix_scim_groups_display_name', ['display_name']),
        ],
        foreignKeys: [cascade('group_id', 'groups')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scim_group_members',
        columns: [id, int('scim_group_id'), int('identity_id'), str('created_at')],
        indices: [index('uq_scim_group_members_group_identity', ['scim_group_id', 'identity_id'], true), index('ix_scim_group_members_identity', ['identity_id'])],
        foreignKeys: [cascade('scim_group_id', 'scim_groups'), cascade('identity_id', 'scim_identities')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'saml_group_assertions',
        columns: [id, int('group_id'), int('user_id'), text('names'), str('updated_at')],
        indices: [index('uq_saml_group_assertions_group_user', ['group_id', 'user_id'], true)],
        foreignKeys: [cascade('group_id', 'groups'), cascade('user_id', 'users')],
      }),
    );
    // Plain ALTER TABLE on both engines: TypeORM's SQLite addColumn rebuilds the table, which
    // would drop the members' row-count triggers.
    await q.query(`ALTER TABLE "members" ADD COLUMN "role_source" varchar NOT NULL DEFAULT 'manual'`);
    await q.query('ALTER TABLE "members" ADD COLUMN "base_access_level" integer NULL');
    await q.query('ALTER TABLE "members" ADD COLUMN "base_role_source" varchar NULL');
    await q.query('ALTER TABLE "members" ADD COLUMN "sync_links" text NULL');
    await q.query('ALTER TABLE "saml_providers" ADD COLUMN "groups_attribute" varchar NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_providers" DROP COLUMN "groups_attribute"');
    for (const column of ['sync_links', 'base_role_source', 'base_access_level', 'role_source']) await q.query(`ALTER TABLE "members" DROP COLUMN "${column}"`);
    await q.dropTable('saml_group_assertions');
    await q.dropTable('scim_group_members');
    await q.dropTable('scim_groups');
    await q.dropTable('saml_group_links');
  }
}
