import sqlite3 from 'sqlite3';

/** Prepared statements kept per connection; past the cap a new text runs unprepared. */
const MAX_PREPARED = 200;

type Callback = (this: unknown, error: Error | null, rows?: unknown[]) => void;

/**
 * A node-sqlite3 Database whose `run` and `all` reuse one prepared statement per SQL text.
 *
 * Why (bench A/B in README "Performance"): node-sqlite3 runs an unprepared statement as three trips
 * through its thread pool — prepare, run, finalize — each waiting for a turn of the event loop,
 * and the writer connection is held by its transaction through every trip, so under load those
 * waits, not SQLite, decide how many writes a second Roster makes. A prepared statement is one trip.
 *
 * It changes nothing else: same results, `this.lastID` / `this.changes` in `run`'s callback, same
 * errors (a text that does not prepare runs the ordinary way, which reports its error). Statements
 * are queued by node-sqlite3 per statement, so sharing one between callers is safe. There is no
 * eviction: finalizing a statement with calls still queued on it is not safe in node-sqlite3.
 * Contract: preparing-sqlite3.spec.ts.
 */
export class PreparingDatabase extends sqlite3.Database {
  /** One per SQL text, prepared or (null) not preparable; settled once the prepare answered. */
  private readonly statements = new Map<string, Promise<sqlite3.Statement | null>>();
  private prepared = 0;

  override run(sql: string, ...args: unknown[]): this {
    const { params, callback } = split(args);
    // node-sqlite3's run steps a statement once: one that answers rows (a PRAGMA, RETURNING) would
    // stay open and block COMMIT. Only plain writes are prepared; the rest run the ordinary way.
    if (!PLAIN_WRITE.test(sql)) return super.run(sql, params, callback);
    void this.statement(sql).then((statement) => {
      if (statement === null) return void super.run(sql, params, callback);
      statement.run(params, callback ?? noop);
    });
    return this;
  }

  override all(sql: string, ...args: unknown[]): this {
    const { params, callback } = split(args);
    void this.statement(sql).then((statement) => {
      if (statement === null) return void super.all(sql, params, callback);
      statement.all(params, callback ?? noop);
    });
    return this;
  }

  /** Finalizes the cached statements first: SQLite refuses to close a connection that has some. */
  override close(callback?: (error: Error | null) => void): void {
    const pending = [...this.statements.values()];
    this.statements.clear();
    void Promise.all(pending).then(async (statements) => {
      await Promise.all(statements.map((s) => new Promise<void>((resolve) => (s ? s.finalize(() => resolve()) : resolve()))));
      super.close(callback);
    });
  }

  /** How many texts are prepared (for the contract test). */
  get preparedCount(): number {
    return this.prepared;
  }

  private statement(sql: string): Promise<sqlite3.Statement | null> {
    let pending = this.statements.get(sql);
    if (pending === undefined) {
      if (this.statements.size >= MAX_PREPARED) return Promise.resolve(null);
      // Awaited before use: node-sqlite3 never answers calls queued on a statement that failed to prepare.
      pending = new Promise((resolve) => {
        const statement = this.prepare(sql, (error: Error | null) => {
          if (!error) this.prepared++;
          resolve(error ? null : statement);
        });
      });
      this.statements.set(sql, pending);
    }
    return pending;
  }
}

/** A write that answers no rows: INSERT, UPDATE, DELETE or REPLACE without RETURNING. */
const PLAIN_WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b(?![\s\S]*\bRETURNING\b)/i;

function noop(): void {}

function split(args: unknown[]): { params: unknown[]; callback?: Callback } {
  const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as Callback) : undefined;
  // run(sql, [a, b], cb), run(sql, undefined, cb) (TypeORM without parameters) or run(sql, a, b, cb).
  const params = args.length === 1 && (args[0] === undefined || Array.isArray(args[0])) ? ((args[0] as unknown[] | undefined) ?? []) : args;
  return { params, callback };
}

/**
 * The sqlite3 module as TypeORM's documented `driver` option receives it: connections are
 * PreparingDatabase, and `verbose()` — which TypeORM calls and which makes node-sqlite3 capture a
 * stack trace and util.inspect() the arguments of every call, a large share of each query's CPU,
 * only to lengthen the traces of failed queries — leaves the module as it is.
 */
export const preparingSqlite3 = Object.assign(Object.create(sqlite3) as typeof sqlite3, {
  Database: PreparingDatabase,
  verbose: () => preparingSqlite3,
});
