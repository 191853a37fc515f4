import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index that serves "contains" search over a person's username, email and name, so the members
 * search and the sign-in troubleshooter's "part of a name" stop reading every member of a group of
 * 100,000 (`LIKE '%q%'` cannot use a b-tree index on either engine).
 *
 * SQLite: an FTS5 table with the trigram tokenizer over the `users` row (external content, kept in
 * step by triggers, so every path that writes a user — SCIM, the admin API, bulk inserts — keeps it
 * right in the same transaction). PostgreSQL: pg_trgm GIN indexes on the very expressions the LIKE
 * compares, so the query is unchanged; pg_trgm ships with PostgreSQL and is a trusted extension,
 * but where it cannot be created the migration leaves the search as it was (a scan) rather than fail.
 */
export class MemberNameSearch1765500000000 implements MigrationInterface {
  name = 'MemberNameSearch1765500000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') {
      // A failed CREATE EXTENSION would abort the migration's transaction; a PL/pgSQL block with an
      // EXCEPTION clause runs it in a subtransaction of its own, in a transaction or not.
      await q.query('DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; EXCEPTION WHEN OTHERS THEN NULL; END $$');
      const installed = (await q.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")) as unknown[];
      if (installed.length === 0) return;
      await q.query('CREATE INDEX "ix_users_username_trgm" ON "users" USING gin ("username_lower" gin_trgm_ops)');
      await q.query('CREATE INDEX "ix_users_email_trgm" ON "users" USING gin ("email_lower" gin_trgm_ops)');
      await q.query('CREATE INDEX "ix_users_name_trgm" ON "users" USING gin (LOWER("name") gin_trgm_ops)');
      return;
    }
    await q.query(`CREATE VIRTUAL TABLE "users_search" USING fts5("username_lower", "email_lower", "name", content='users', content_rowid='id', tokenize='trigram')`);
    await q.query(`INSERT INTO "users_search"("users_search") VALUES ('rebuild')`);
    await q.query(
      `CREATE TRIGGER "users_search_insert" AFTER INSERT ON "users" BEGIN
        INSERT INTO "users_search"(rowid, "username_lower", "email_lower", "name") VALUES (new."id", new."username_lower", new."email_lower", new."name");
      END`,
    );
    await q.query(
      `CREATE TRIGGER "users_search_delete" AFTER DELETE ON "users" BEGIN
        INSERT INTO "users_search"("users_search", rowid, "username_lower", "email_lower", "name") VALUES ('delete', old."id", old."username_lower", old."email_lower", old."name");
      END`,
    );
    await q.query(
      `CREATE TRIGGER "users_search_update" AFTER UPDATE OF "username_lower", "email_lower", "name" ON "users" BEGIN
        INSERT INTO "users_search"("users_search", rowid, "username_lower", "email_lower", "name") VALUES ('delete', old."id", old."username_lower", old."email_lower", old."name");
        INSERT INTO "users_search"(rowid, "username_lower", "email_lower", "name") VALUES (new."id", new."username_lower", new."email_lower", new."name");
      END`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') {
      for (const index of ['ix_users_username_trgm', 'ix_users_email_trgm', 'ix_users_name_trgm']) await q.query(`DROP INDEX IF EXISTS "${index}"`);
      return;
    }
    for (const trigger of ['users_search_insert', 'users_search_delete', 'users_search_update']) await q.query(`DROP TRIGGER "${trigger}"`);
    await q.query('DROP TABLE "users_search"');
  }
}
