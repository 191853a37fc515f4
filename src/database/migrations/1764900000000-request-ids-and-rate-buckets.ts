import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * - `request_id` on audit events and SCIM request-log rows: the id of the HTTP request that wrote
 *   them, the same one its log line carries, so a log line leads to what changed (and back).
 *   Indexed: support looks rows up by it.
 * - `scim_rate_buckets`: the SCIM token buckets shared by every Roster process on PostgreSQL (one
 *   row per token, refilled and taken in one statement). UNLOGGED on PostgreSQL: every SCIM request
 *   updates it, and a logged update holds its row lock until the commit's WAL flush, so requests of
 *   one token would queue behind each other's disk writes; what a crash loses (the buckets come
 *   back empty of rows, i.e. full) is harmless. SQLite has the table too, unused: one process
 *   serves a SQLite file, and its buckets stay in memory.
 */
export class RequestIdsAndRateBuckets1764900000000 implements MigrationInterface {
  name = 'RequestIdsAndRateBuckets1764900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['audit_events', 'scim_requests']) {
      await q.query(`ALTER TABLE "${table}" ADD COLUMN "request_id" varchar(128) NULL`);
      await q.query(`CREATE INDEX "idx_${table}_request_id" ON "${table}" ("request_id")`);
    }
    const unlogged = q.connection.options.type === 'postgres' ? 'UNLOGGED ' : '';
    await q.query(`CREATE ${unlogged}TABLE "scim_rate_buckets" ("token_id" integer NOT NULL PRIMARY KEY, "tokens" double precision NOT NULL, "refilled_at" double precision NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "scim_rate_buckets"');
    for (const table of ['audit_events', 'scim_requests']) {
      await q.query(`DROP INDEX "idx_${table}_request_id"`);
      await q.query(`ALTER TABLE "${table}" DROP COLUMN "request_id"`);
    }
  }
}
