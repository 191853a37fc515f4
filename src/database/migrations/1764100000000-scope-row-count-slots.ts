import { MigrationInterface, QueryRunner } from 'typeorm';
import { COUNTED_TABLES } from './1764000000000-scope-row-counts.js';

/** Counter rows per scope on PostgreSQL; a scope's count is the sum of its slots. */
export const COUNT_SLOTS = 16;

/**
 * `scope_row_counts` gets a `slot` column, part of the key, so a scope's count is spread over
 * several rows and read as their sum.
 *
 * Why: a trigger that updates one row per group serializes every insert into that group — the
 * row stays locked from the insert until its transaction commits, so 50 concurrent creates in one
 * group run one after another on PostgreSQL (and under SERIALIZABLE most of them fail). On
 * PostgreSQL the trigger now writes the slot of its connection (`pg_backend_pid() % 16`, deltas
 * that may go negative in one slot): concurrent transactions on different connections rarely share
 * a row. SQLite's writes take turns anyway; its triggers keep writing slot 0.
 */
export class ScopeRowCountSlots1764100000000 implements MigrationInterface {
  name = 'ScopeRowCountSlots1764100000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') {
      await q.query('ALTER TABLE "scope_row_counts" ADD COLUMN "slot" integer NOT NULL DEFAULT 0');
      await q.query('ALTER TABLE "scope_row_counts" DROP CONSTRAINT "scope_row_counts_pkey"');
      await q.query('ALTER TABLE "scope_row_counts" ADD PRIMARY KEY ("table_name", "scope_id", "slot")');
      await q.query(`
        CREATE OR REPLACE FUNCTION roster_count_scope_rows() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            INSERT INTO scope_row_counts (table_name, scope_id, slot, row_count, removals)
            SELECT TG_TABLE_NAME, COALESCE(group_id, 0), pg_backend_pid() % ${COUNT_SLOTS}, COUNT(*), 0 FROM new_rows GROUP BY COALESCE(group_id, 0)
            ON CONFLICT (table_name, scope_id, slot) DO UPDATE SET row_count = scope_row_counts.row_count + EXCLUDED.row_count;
          ELSE
            INSERT INTO scope_row_counts (table_name, scope_id, slot, row_count, removals)
            SELECT TG_TABLE_NAME, COALESCE(group_id, 0), pg_backend_pid() % ${COUNT_SLOTS}, -COUNT(*), COUNT(*) FROM old_rows GROUP BY COALESCE(group_id, 0)
            ON CONFLICT (table_name, scope_id, slot) DO UPDATE
              SET row_count = scope_row_counts.row_count + EXCLUDED.row_count, removals = scope_row_counts.removals + EXCLUDED.removals;
          END IF;
          RETURN NULL;
        END
        $$ LANGUAGE plpgsql`);
      return;
    }
    // SQLite cannot change a primary key in place: the table is rebuilt, and its triggers with it.
    for (const table of COUNTED_TABLES) {
      await q.query(`DROP TRIGGER "trg_${table}_scope_count_insert"`);
      await q.query(`DROP TRIGGER "trg_${table}_scope_count_delete"`);
    }
    await q.query(
      'CREATE TABLE "scope_row_counts_slots" ("table_name" varchar(64) NOT NULL, "scope_id" integer NOT NULL, "slot" integer NOT NULL DEFAULT 0, ' +
        '"row_count" integer NOT NULL, "removals" integer NOT NULL, PRIMARY KEY ("table_name", "scope_id", "slot"))',
    );
    await q.query(
      'INSERT INTO "scope_row_counts_slots" ("table_name", "scope_id", "slot", "row_count", "removals") SELECT "table_name", "scope_id", 0, "row_count", "removals" FROM "scope_row_counts"',
    );
    await q.query('DROP TABLE "scope_row_counts"');
    await q.query('ALTER TABLE "scope_row_counts_slots" RENAME TO "scope_row_counts"');
    for (const table of COUNTED_TABLES) {
      await q.query(`
        CREATE TRIGGER "trg_${table}_scope_count_insert" AFTER INSERT ON "${table}" BEGIN
          INSERT INTO "scope_row_counts" ("table_name", "scope_id", "slot", "row_count", "removals") VALUES ('${table}', COALESCE(NEW."group_id", 0), 0, 1, 0)
          ON CONFLICT ("table_name", "scope_id", "slot") DO UPDATE SET "row_count" = "row_count" + 1;
        END`);
      await q.query(`
        CREATE TRIGGER "trg_${table}_scope_count_delete" AFTER DELETE ON "${table}" BEGIN
          UPDATE "scope_row_counts" SET "row_count" = "row_count" - 1, "removals" = "removals" + 1
          WHERE "table_name" = '${table}' AND "scope_id" = COALESCE(OLD."group_id", 0) AND "slot" = 0;
        END`);
    }
  }

  /** Back to one row per scope: the slots summed. The earlier migration's trigger texts come back with it. */
  async down(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    const { ScopeRowCounts1764000000000 } = await import('./1764000000000-scope-row-counts.js');
    const summed = await q.query('SELECT "table_name", "scope_id", SUM("row_count") AS "row_count", SUM("removals") AS "removals" FROM "scope_row_counts" GROUP BY "table_name", "scope_id"');
    const earlier = new ScopeRowCounts1764000000000();
    await earlier.down(q);
    await earlier.up(q);
    // up() counted the rows afresh; the removal counts are carried over from the slots.
    for (const row of summed as { table_name: string; scope_id: number; removals: number | string }[]) {
      await q.query(`UPDATE "scope_row_counts" SET "removals" = ${postgres ? '$1' : '?'} WHERE "table_name" = ${postgres ? '$2' : '?'} AND "scope_id" = ${postgres ? '$3' : '?'}`, [
        Number(row.removals),
        row.table_name,
        row.scope_id,
      ]);
    }
  }
}
