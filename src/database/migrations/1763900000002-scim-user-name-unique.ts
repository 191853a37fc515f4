import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * RFC 7643 §4.1.1: userName is unique within the service provider ("uniqueness": "server"), and
 * Roster's discovery says so. Unique per scope, case-insensitively (the `_lower` column), so two
 * connectors racing to give two people one userName cannot both win.
 */
export class ScimUserNameUnique1763900000002 implements MigrationInterface {
  name = 'ScimUserNameUnique1763900000002';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('scim_identities', new TableIndex({ name: 'uq_scim_identities_group_user_name', columnNames: ['group_id', 'user_name_lower'], isUnique: true }));
    await q.createIndex('scim_identities', new TableIndex({ name: 'uq_scim_identities_instance_user_name', columnNames: ['user_name_lower'], isUnique: true, where: 'group_id IS NULL' }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('scim_identities', 'uq_scim_identities_instance_user_name');
    await q.dropIndex('scim_identities', 'uq_scim_identities_group_user_name');
  }
}
