import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** Members pages are read in creation order per group: (group_id, id) serves them without a sort. */
export class MemberPagingIndex1763900000001 implements MigrationInterface {
  name = 'MemberPagingIndex1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('members', new TableIndex({ name: 'ix_members_group_id', columnNames: ['group_id', 'id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('members', 'ix_members_group_id');
  }
}
