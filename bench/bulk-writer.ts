import pg from 'pg';
import sqlite3 from 'sqlite3';
import type { BenchDatabase } from './bench-database.js';

export type Row = (string | number | boolean | null)[];

/**
 * Multi-row INSERTs inside one transaction, straight on the database file or server (the server
 * is stopped meanwhile): hundreds of thousands of rows in seconds instead of one HTTP call each.
 * Ids are given explicitly so related rows can reference each other without reading back.
 */
export interface BulkWriter {
  maxId(table: string): Promise<number>;
  insert(table: string, columns: string[], rows: Row[]): Promise<void>;
  /** Commits, brings id sequences past the inserted ids, refreshes planner statistics, closes. */
  finish(tables: string[]): Promise<void>;
  abort(): Promise<void>;
}

const SQLITE_BATCH = 500;
const PG_BATCH = 1000;

export async function openBulkWriter(database: BenchDatabase): Promise<BulkWriter> {
  return database.kind === 'postgres' ? PgBulkWriter.open(database.url) : SqliteBulkWriter.open(database.sqlitePath!);
}

function placeholders(columnCount: number, rowCount: number, numbered: boolean): string {
  const rows: string[] = [];
  let n = 0;
  for (let r = 0; r < rowCount; r++) {
    const cells: string[] = [];
    for (let c = 0; c < columnCount; c++) cells.push(numbered ? `$${++n}` : '?');
    rows.push(`(${cells.join(',')})`);
  }
  return rows.join(',');
}

class SqliteBulkWriter implements BulkWriter {
  private constructor(private readonly db: sqlite3.Database) {}

  static async open(path: string): Promise<SqliteBulkWriter> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const handle = new sqlite3.Database(path, (error) => (error ? reject(error) : resolve(handle)));
    });
    const writer = new SqliteBulkWriter(db);
    // Durability is pointless for a throwaway file that is checkpointed at the end anyway.
    await writer.run('PRAGMA synchronous = OFF');
    await writer.run('BEGIN');
    return writer;
  }

  private run(sql: string, params: unknown[] = []): Promise<void> {
    return new Promise((resolve, reject) => this.db.run(sql, params, (error) => (error ? reject(error) : resolve())));
  }

  private get<T>(sql: string): Promise<T> {
    return new Promise((resolve, reject) => this.db.get(sql, (error, row) => (error ? reject(error) : resolve(row as T))));
  }

  async maxId(table: string): Promise<number> {
    return (await this.get<{ id: number | null }>(`SELECT MAX(id) AS id FROM ${table}`)).id ?? 0;
  }

  async insert(table: string, columns: string[], rows: Row[]): Promise<void> {
    for (let i = 0; i < rows.length; i += SQLITE_BATCH) {
      const batch = rows.slice(i, i + SQLITE_BATCH);
      const sql = `INSERT INTO ${table} (${columns.join(',')}) VALUES ${placeholders(columns.length, batch.length, false)}`;
      await this.run(
        sql,
        batch.flat().map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)),
      );
    }
  }

  async finish(): Promise<void> {
    await this.run('COMMIT');
    await this.run('PRAGMA wal_checkpoint(TRUNCATE)');
    await this.close();
  }

  async abort(): Promise<void> {
    await this.run('ROLLBACK').catch(() => undefined);
    await this.close();
  }

  private close(): Promise<void> {
    return new Promise((resolve, reject) => this.db.close((error) => (error ? reject(error) : resolve())));
  }
}

class PgBulkWriter implements BulkWriter {
  private constructor(private readonly client: pg.Client) {}

  static async open(url: string): Promise<PgBulkWriter> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('BEGIN');
    return new PgBulkWriter(client);
  }

  async maxId(table: string): Promise<number> {
    const result = await this.client.query<{ id: string | null }>(`SELECT MAX(id) AS id FROM ${table}`);
    return Number(result.rows[0].id ?? 0);
  }

  async insert(table: string, columns: string[], rows: Row[]): Promise<void> {
    for (let i = 0; i < rows.length; i += PG_BATCH) {
      const batch = rows.slice(i, i + PG_BATCH);
      await this.client.query(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${placeholders(columns.length, batch.length, true)}`, batch.flat());
    }
  }

  async finish(tables: string[]): Promise<void> {
    for (const table of tables) {
      await this.client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT MAX(id) FROM ${table}))`);
    }
    await this.client.query('COMMIT');
    // What autovacuum does within a minute or two of a bulk load (insert-triggered vacuum and
    // analyze): row counts for the planner, and the visibility map that index-only scans need.
    await this.client.query(`VACUUM (ANALYZE) ${tables.join(', ')}`);
    await this.client.end();
  }

  async abort(): Promise<void> {
    await this.client.query('ROLLBACK').catch(() => undefined);
    await this.client.end();
  }
}
