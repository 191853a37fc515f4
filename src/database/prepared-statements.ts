import type sqlite3 from 'sqlite3';
import { QueryFailedError } from 'typeorm';

/** What `run` reports: SQLite's rowid of the last insert and the number of rows changed. */
export interface RunResult {
  lastID: number;
  changes: number;
}

/**
 * Prepared statements on one node-sqlite3 connection, one per SQL text, reused for every call.
 *
 * Each unprepared query in node-sqlite3 is two trips through the thread pool (prepare, then run),
 * and each trip waits for a turn of the event loop; under load that wait, not SQLite, is what a
 * query costs, and on the single writer connection every transaction holds the writer through all
 * of its trips. A prepared statement is one trip. node-sqlite3 queues calls on one statement, so
 * concurrent callers share it safely.
 *
 * The cache is capped (`max` texts); past it, or for a text that does not prepare, `null` tells the
 * caller to use its ordinary path, which also reports the error. There is no eviction: finalizing a
 * statement with calls still queued on it is not safe in node-sqlite3.
 */
export class PreparedStatements {
  private readonly statements = new Map<string, Promise<sqlite3.Statement | null>>();

  constructor(
    private readonly connection: sqlite3.Database,
    private readonly max: number,
  ) {}

  /** The statement for `sql`, or null when the cache is full or the text does not prepare. */
  async get(sql: string): Promise<sqlite3.Statement | null> {
    let pending = this.statements.get(sql);
    if (pending === undefined) {
      if (this.statements.size >= this.max) return null;
      // Awaited before use: node-sqlite3 never answers calls queued on a statement that failed to prepare.
      pending = new Promise((resolve) => {
        const statement = this.connection.prepare(sql, (error: Error | null) => resolve(error ? null : statement));
      });
      this.statements.set(sql, pending);
    }
    return pending;
  }

  /** Every row of `statement` with `params`; errors as QueryFailedError, as from any other query. */
  static all<T>(statement: sqlite3.Statement, sql: string, params: unknown[]): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) =>
      statement.all(params, (error: Error | null, rows: T[]) => (error ? reject(new QueryFailedError(sql, params, error)) : resolve(rows))),
    );
  }

  /** Runs a write; errors as QueryFailedError, so unique violations read the same as elsewhere. */
  static run(statement: sqlite3.Statement, sql: string, params: unknown[]): Promise<RunResult> {
    return new Promise<RunResult>((resolve, reject) =>
      statement.run(params, function (this: RunResult, error: Error | null) {
        if (error) reject(new QueryFailedError(sql, params, error));
        else resolve({ lastID: this.lastID, changes: this.changes });
      }),
    );
  }

  /** Finalizes every statement; the connection can then close. */
  async finalizeAll(): Promise<void> {
    const statements = await Promise.all(this.statements.values());
    this.statements.clear();
    await Promise.all(statements.map((statement) => new Promise<void>((resolve) => (statement ? statement.finalize(() => resolve()) : resolve()))));
  }
}
