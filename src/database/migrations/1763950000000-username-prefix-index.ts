import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every account creation looks up `username_lower LIKE '<base>%'` to pick a free username. A plain
 * index cannot serve that prefix search on either engine: SQLite's case-insensitive LIKE needs a
 * NOCASE index, and PostgreSQL needs pattern operators unless the database collation is "C".
 * Without it each SCIM create scans every account inside the write transaction.
 */
export class UsernamePrefixIndex1763950000000 implements MigrationInterface {
  name = 'UsernamePrefixIndex1763950000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') {
      await q.query('CREATE INDEX "ix_users_username_prefix" ON "users" ("username_lower" varchar_pattern_ops)');
    } else {
      await q.query('CREATE INDEX "ix_users_username_prefix" ON "users" ("username_lower" COLLATE NOCASE)');
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "ix_users_username_prefix"');
  }
}
