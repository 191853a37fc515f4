import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose rows are counted per scope (group id, or 0 for the instance's group_id NULL). */
export const COUNTED_TABLES = ['scim_identities', 'members'] as const;

/**
 * `scope_row_counts`: how many rows of a counted table each scope holds, and how many were ever
 * removed from it. Triggers keep it, inside the transaction that inserts or deletes the row, so
 * every write path (SCIM, the admin API, SAML linking, bulk SQL) keeps it exact without knowing.
 * Lists read their total from it instead of counting 100,000 index entries per page, and the
 * removal count tells ScopePositions whether its cached page boundaries still hold.
 * Rows never move between scopes (group_id is never updated), so UPDATE needs no trigger.
 */
export class ScopeRowCounts1764000000000 implements MigrationInterface {
  name = 'ScopeRowCounts1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    await q.query(
      'CREATE TABLE "scope_row_counts" ("table_name" varchar(64) NOT NULL, "scope_id" integer NOT NULL, "row_count" integer NOT NULL, ' +
        '"removals" integer NOT NULL, PRIMARY KEY ("table_name", "scope_id"))',
    );
    if (postgres) {
      // Statement-level, over the transition tables: a multi-row INSERT or DELETE updates each
      // scope's row once, instead of once per row (repeated updates of one row inside a single
      // transaction get slower with every version PostgreSQL keeps of it).
      await q.query(`
        CREATE FUNCTION roster_count_scope_rows() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            INSERT INTO scope_row_counts (table_name, scope_id, row_count, removals)
            SELECT TG_TABLE_NAME, COALESCE(group_id, 0), COUNT(*), 0 FROM new_rows GROUP BY COALESCE(group_id, 0)
            ON CONFLICT (table_name, scope_id) DO UPDATE SET row_count = scope_row_counts.row_count + EXCLUDED.row_count;
          ELSE
            UPDATE scope_row_counts c SET row_count = c.row_count - d.n, removals = c.removals + d.n
            FROM (SELECT COALESCE(group_id, 0) AS scope_id, COUNT(*) AS n FROM old_rows GROUP BY COALESCE(group_id, 0)) d
            WHERE c.table_name = TG_TABLE_NAME AND c.scope_id = d.scope_id;
          END IF;
          RETURN NULL;
        END
        $$ LANGUAGE plpgsql`);
    }
    for (const table of COUNTED_TABLES) {
      await q.query(
        `INSERT INTO "scope_row_counts" ("table_name", "scope_id", "row_count", "removals") ` +
          `SELECT '${table}', COALESCE("group_id", 0), COUNT(*), 0 FROM "${table}" GROUP BY COALESCE("group_id", 0)`,
      );
      if (postgres) {
        await q.query(`CREATE TRIGGER "trg_${table}_scope_count_insert" AFTER INSERT ON "${table}" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION roster_count_scope_rows()`);
        await q.query(`CREATE TRIGGER "trg_${table}_scope_count_delete" AFTER DELETE ON "${table}" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION roster_count_scope_rows()`);
        continue;
      }
      await q.query(`
        CREATE TRIGGER "trg_${table}_scope_count_insert" AFTER INSERT ON "${table}" BEGIN
          INSERT INTO "scope_row_counts" ("table_name", "scope_id", "row_count", "removals") VALUES ('${table}', COALESCE(NEW."group_id", 0), 1, 0)
          ON CONFLICT ("table_name", "scope_id") DO UPDATE SET "row_count" = "row_count" + 1;
        END`);
      await q.query(`
        CREATE TRIGGER "trg_${table}_scope_count_delete" AFTER DELETE ON "${table}" BEGIN
          UPDATE "scope_row_counts" SET "row_count" = "row_count" - 1, "removals" = "removals" + 1
          WHERE "table_name" = '${table}' AND "scope_id" = COALESCE(OLD."group_id", 0);
        END`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    for (const table of COUNTED_TABLES) {
      const on = postgres ? ` ON "${table}"` : '';
      await q.query(`DROP TRIGGER "trg_${table}_scope_count_insert"${on}`);
      await q.query(`DROP TRIGGER "trg_${table}_scope_count_delete"${on}`);
    }
    if (postgres) await q.query('DROP FUNCTION roster_count_scope_rows()');
    await q.query('DROP TABLE "scope_row_counts"');
  }
}
