import sqlite3 from 'sqlite3';
import { QueryFailedError } from 'typeorm';

/**
 * The hot-path read connection on a SQLite file: a read-only node-sqlite3 connection of Roster's
 * own (not TypeORM's), with one prepared statement per SQL text, reused for every call.
 *
 * Why: each unprepared query in node-sqlite3 is two trips through the thread pool (prepare, then
 * run), and under load the wait for a turn of the event loop, not SQLite, is what a point look-up
 * costs; a prepared statement is one trip. With WAL, this connection sees only committed data and
 * never waits for the writer. node-sqlite3 queues calls on one statement, so concurrent callers
 * share it safely.
 *
 * The cache is capped (`max` texts); past it, or for a text that does not prepare, the query runs
 * unprepared, which also reports the error. There is no eviction: finalizing a statement with
 * calls still queued on it is not safe in node-sqlite3.
 */
export class SqliteReader {
  private readonly statements = new Map<string, Promise<sqlite3.Statement | null>>();

  private constructor(
    private readonly connection: sqlite3.Database,
    private readonly max: number,
  ) {}

  static async open(path: string, max: number, pragmas: string[]): Promise<SqliteReader> {
    const connection = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db: sqlite3.Database = new sqlite3.Database(path, sqlite3.OPEN_READONLY, (error) => (error ? reject(error) : resolve(db)));
    });
    connection.configure('busyTimeout', 10_000);
    const reader = new SqliteReader(connection, max);
    for (const pragma of pragmas) await reader.unprepared(pragma, []);
    return reader;
  }

  /** Every row of `sql` with `params`; errors as QueryFailedError, as from any other query. */
  async all<T>(sql: string, params: unknown[]): Promise<T[]> {
    const statement = await this.prepared(sql);
    if (statement === null) return this.unprepared<T>(sql, params);
    return new Promise<T[]>((resolve, reject) => statement.all(params, (error: Error | null, rows: T[]) => (error ? reject(new QueryFailedError(sql, params, error)) : resolve(rows))));
  }

  private unprepared<T>(sql: string, params: unknown[]): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => this.connection.all(sql, params, (error: Error | null, rows: T[]) => (error ? reject(new QueryFailedError(sql, params, error)) : resolve(rows))));
  }

  private prepared(sql: string): Promise<sqlite3.Statement | null> {
    let pending = this.statements.get(sql);
    if (pending === undefined) {
      if (this.statements.size >= this.max) return Promise.resolve(null);
      // Awaited before use: node-sqlite3 never answers calls queued on a statement that failed to prepare.
      pending = new Promise((resolve) => {
        const statement = this.connection.prepare(sql, (error: Error | null) => resolve(error ? null : statement));
      });
      this.statements.set(sql, pending);
    }
    return pending;
  }

  /** Finalizes every statement and closes the connection. */
  async close(): Promise<void> {
    const statements = await Promise.all(this.statements.values());
    this.statements.clear();
    await Promise.all(statements.map((statement) => new Promise<void>((resolve) => (statement ? statement.finalize(() => resolve()) : resolve()))));
    await new Promise<void>((resolve) => this.connection.close(() => resolve()));
  }
}
