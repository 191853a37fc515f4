import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * - `email_outbox`: messages written in the transaction of the change that causes them (a welcome
 *   when SCIM provisions someone), delivered later by a background worker — so a mail outage never
 *   fails or slows the change, and a crash loses nothing. `claimed_until` is a worker's lease on a
 *   row (several processes share the table); `next_attempt_at` is the retry back-off.
 * - Two settings of a group's SAML provider: send the welcome at all (on by default), and also
 *   when a removed person is added back (off by default).
 */
export class EmailOutbox1765200000000 implements MigrationInterface {
  name = 'EmailOutbox1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'email_outbox',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'group_id', type: 'integer', isNullable: true },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'kind', type: 'varchar', isNullable: false },
          { name: 'recipient', type: 'varchar', isNullable: false },
          { name: 'subject', type: 'varchar', isNullable: false },
          { name: 'body', type: 'text', isNullable: false },
          { name: 'status', type: 'varchar', isNullable: false },
          { name: 'attempts', type: 'integer', isNullable: false },
          { name: 'next_attempt_at', type: 'varchar', isNullable: false },
          { name: 'claimed_until', type: 'varchar', isNullable: true },
          { name: 'claimed_by', type: 'varchar', isNullable: true },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'created_at', type: 'varchar', isNullable: false },
          { name: 'sent_at', type: 'varchar', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'ix_email_outbox_due', columnNames: ['status', 'next_attempt_at'] }), new TableIndex({ name: 'ix_email_outbox_group', columnNames: ['group_id', 'id'] })],
        foreignKeys: [
          { columnNames: ['group_id'], referencedTableName: 'groups', referencedColumnNames: ['id'], onDelete: 'SET NULL' },
          { columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'SET NULL' },
        ],
      }),
    );
    await q.query('ALTER TABLE "saml_providers" ADD COLUMN "welcome_email" boolean NOT NULL DEFAULT TRUE');
    await q.query('ALTER TABLE "saml_providers" ADD COLUMN "welcome_email_on_reactivation" boolean NOT NULL DEFAULT FALSE');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "saml_providers" DROP COLUMN "welcome_email_on_reactivation"');
    await q.query('ALTER TABLE "saml_providers" DROP COLUMN "welcome_email"');
    await q.dropTable('email_outbox');
  }
}
