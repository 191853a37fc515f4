import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type sqlite3 from 'sqlite3';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { EntitySql } from './entity-sql.js';
import { inKeyOrder } from './key-order.js';
import { Mutex } from './mutex.js';
import { PreparedStatements, RunResult } from './prepared-statements.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/** What a transaction body receives: the transaction's EntityManager. */
export type Tx = EntityManager;

/** Any constant shared by every Roster process; it names the migration lock. */
const MIGRATION_LOCK_KEY = 7_627_860_001;
const RETRYABLE_PG_CODES = new Set(['40001', '40P01']); // serialization failure, deadlock
/** Page cache per SQLite connection (negative: KiB). */
const SQLITE_CACHE_KIB = -16_384;
/** SQLite before 3.32 allowed 999 bound parameters per statement; staying under it is safe everywhere. */
const MAX_BOUND_PARAMETERS = 990;
/**
 * Prepared statements kept per SQLite connection. The hot texts are a few dozen (filters add one
 * per filter shape, an IN list of `?`s one per length, which inIds avoids); past the cap, new
 * texts run unprepared.
 */
const MAX_PREPARED = 200;

/**
 * The database: one writer DataSource (migrations run on it at start), plus on SQLite files a
 * read-only second connection so reads never observe another request's open transaction.
 * Repositories read through `reader` and write only inside `transaction`.
 */
@Injectable()
export class Database implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private readonly writeLock = new Mutex();
  private writer!: DataSource;
  private readerSource!: DataSource;
  /** SQLite only: statements prepared on the reader and on the writer (one object in memory mode). */
  private readerStatements?: PreparedStatements;
  private writerStatements?: PreparedStatements;
  /** SQLite file only: takes the WAL checkpoints the writer would otherwise take inside a commit. */
  private checkpointer?: WalCheckpointer;
  private readonly entitySql = new Map<new () => unknown, EntitySql<unknown>>();
  private readonly inFlight = new Map<string, Promise<Record<string, unknown>[]>>();
  /** SQLite: each open transaction's BEGIN, which its writes wait for and its reads do not. */
  private readonly begun = new WeakMap<Tx, Promise<RunResult>>();
  /** Rows queued by appendAtCommit, per open transaction. */
  private readonly appended = new WeakMap<Tx, Map<string, { columns: string[]; rows: unknown[][] }>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get kind(): 'sqlite' | 'postgres' {
    return this.config.databaseKind;
  }

  get reader(): EntityManager {
    return this.readerSource.manager;
  }

  /**
   * A hand-written SELECT for the look-ups every request makes (token checks, SCIM ids): the query
   * builder costs more CPU than the indexed query itself. `?` placeholders on both engines, values
   * only as parameters; column aliases give the entity's property names.
   */
  select<T>(sql: string, params: unknown[], em: EntityManager = this.reader): Promise<T[]> {
    if (this.kind === 'sqlite') return em === this.reader ? this.selectPrepared<T>(sql, params) : this.selectInTransaction<T>(em, sql, params);
    return em.query(this.kind === 'postgres' ? numberedPlaceholders(sql) : sql, params) as Promise<T[]>;
  }

  /**
   * On SQLite, outside transactions, a statement is prepared once per text and reused: parsing and
   * planning a point lookup costs about as much as running it (see PreparedStatements).
   */
  private async selectPrepared<T>(sql: string, params: unknown[]): Promise<T[]> {
    const statement = await this.readerStatements!.get(sql);
    // Unprepared (cache full, or invalid SQL): the ordinary path, which also reports the error.
    if (statement === null) return this.reader.query(sql, params) as Promise<T[]>;
    return PreparedStatements.all<T>(statement, sql, params);
  }

  /**
   * A read inside a write transaction on SQLite: the transaction runs on the one writer connection,
   * so the writer's prepared statements see its uncommitted changes. A read does not wait for the
   * transaction's BEGIN (see sqliteTransaction): it may run just before it, which reads the same
   * rows, since no other write can happen while this transaction holds the writer.
   */
  private async selectInTransaction<T>(tx: Tx, sql: string, params: unknown[]): Promise<T[]> {
    const statement = await this.writerStatements!.get(sql);
    if (statement === null) return tx.query(sql, params) as Promise<T[]>;
    return PreparedStatements.all<T>(statement, sql, params);
  }

  /**
   * A write inside a transaction on SQLite, prepared on the writer (ordinary path as fallback). It
   * waits for the transaction's BEGIN: a write that ran before it would commit on its own.
   */
  private async runInTransaction(tx: Tx, sql: string, params: unknown[]): Promise<RunResult> {
    await this.begun.get(tx);
    return this.runOnWriter(tx, sql, params);
  }

  /** A statement on the SQLite writer, prepared (the ordinary path as fallback), in whatever order it comes. */
  private async runOnWriter(tx: Tx, sql: string, params: unknown[]): Promise<RunResult> {
    const statement = await this.writerStatements!.get(sql);
    if (statement !== null) return PreparedStatements.run(statement, sql, params);
    const result = (await tx.queryRunner!.query(sql, params, true)) as { raw: unknown; affected?: number };
    return { lastID: Number(result.raw), changes: result.affected ?? 0 };
  }

  /**
   * `column IN <ids>` as one bound parameter: the ids travel as a JSON text on SQLite (json_each)
   * and as an array on PostgreSQL. One `?` per id would cost more than the query: node-sqlite3
   * binds parameters one by one on the event loop (about 1 µs each, half a millisecond for a
   * page of 500), each list length would be a statement text of its own, and SQLite caps a
   * statement at 999 parameters.
   */
  inIds(column: string, ids: number[]): { sql: string; values: unknown[] } {
    return this.kind === 'postgres'
      ? { sql: `${column} = ANY(?::int[])`, values: [ids] }
      : { sql: `${column} IN (SELECT "value" FROM json_each(?))`, values: [JSON.stringify(ids)] };
  }

  /**
   * Rows as arrays of the `columns` expressions, aggregated to one JSON text by the database and
   * parsed once: node-sqlite3 builds a row object property by property on the event loop, which for
   * a page of a hundred rows costs several times the parse. `from` is the rest of the query
   * (`FROM … WHERE …`, `?` placeholders); `key` is an integer expression the rows come back in
   * ascending order of. SQLite gives booleans as 0/1.
   */
  async selectArrays(columns: string[], from: string, key: string, params: unknown[]): Promise<unknown[][]> {
    // The key travels as the last element instead of an ORDER BY inside the aggregate, which makes
    // SQLite sort rows its index scan already delivers in order (about 40% of a 500-row aggregate).
    const list = [...columns, key].join(', ');
    const sql =
      this.kind === 'postgres'
        ? `SELECT COALESCE(json_agg(json_build_array(${list})), '[]')::text AS "rows" ${from}`
        : `SELECT json_group_array(json_array(${list})) AS "rows" ${from}`;
    const [row] = await this.select<{ rows: string }>(sql, params);
    return inKeyOrder(JSON.parse(row.rows) as unknown[][]);
  }

  /**
   * Entities by a hand-written condition (`?` placeholders, unqualified column names), read through
   * `select`: the SELECT list comes from the entity's metadata, and SQLite's 0/1 booleans and
   * PostgreSQL's numeric strings are turned back into the entity's types. For the reads every
   * request makes, where TypeORM's find() costs more CPU than the indexed query.
   */
  async findWhere<T>(entity: new () => T, where: string, params: unknown[], em: EntityManager = this.reader): Promise<T[]> {
    const shape = this.sqlOf(entity);
    const rows = await this.select<Record<string, unknown>>(`${shape.select} WHERE ${where}`, params, em);
    return rows.map((row) => shape.hydrate(row));
  }

  /**
   * findWhere for the reads every request of a connector makes with the same values (its token,
   * its group, the group's SAML settings): identical reads in flight at the same moment share one
   * query. A request that joins a query already running sees what it would have seen arriving a
   * fraction of a millisecond earlier; nothing is kept once the query answers.
   */
  async findWhereShared<T>(entity: new () => T, where: string, params: unknown[]): Promise<T[]> {
    const shape = this.sqlOf(entity);
    const sql = `${shape.select} WHERE ${where}`;
    const key = `${sql}\u0000${JSON.stringify(params)}`;
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.select<Record<string, unknown>>(sql, params).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    // Each caller gets its own entities; the shared rows are only read.
    return (await pending).map((row) => shape.hydrate(row));
  }

  private sqlOf<T>(entity: new () => T): EntitySql<T> {
    let sql = this.entitySql.get(entity) as EntitySql<T> | undefined;
    if (sql === undefined) {
      sql = new EntitySql(entity, this.writer.getMetadata(entity));
      this.entitySql.set(entity, sql as EntitySql<unknown>);
    }
    return sql;
  }

  /**
   * Inserts one entity row with a plain INSERT built from the entity's metadata (the text is cached
   * per set of columns) and returns its id: the ORM's insert builds and escapes the statement anew
   * on every call, which costs more than the insert.
   */
  async insertEntity<T>(tx: Tx, entity: new () => T, values: Partial<T>): Promise<number> {
    return (await this.insertEntityUnlessTaken(tx, entity, values, false))!;
  }

  /**
   * insertEntity that skips a row some unique index already holds (ON CONFLICT DO NOTHING) and
   * answers null for it, instead of failing the statement: no savepoint is needed to carry on.
   */
  insertEntityIfFree<T>(tx: Tx, entity: new () => T, values: Partial<T>): Promise<number | null> {
    return this.insertEntityUnlessTaken(tx, entity, values, true);
  }

  private async insertEntityUnlessTaken<T>(tx: Tx, entity: new () => T, values: Partial<T>, skipTaken: boolean): Promise<number | null> {
    const sql = this.sqlOf(entity);
    const { properties, params } = sql.assigned(values);
    const text = sql.insert(properties, skipTaken);
    if (this.kind === 'postgres') {
      const rows = (await tx.query(`${numberedPlaceholders(text)} RETURNING "id"`, params)) as { id: number | string }[];
      return rows.length > 0 ? Number(rows[0].id) : null;
    }
    // SQLite's lastID is stale when nothing was inserted; `changes` says whether a row went in.
    const { lastID, changes } = await this.runInTransaction(tx, text, params);
    return changes === 0 ? null : lastID;
  }

  /** `UPDATE … SET <values> WHERE "id" = ?` from the entity's metadata. */
  async updateById<T>(tx: Tx, entity: new () => T, id: number, values: Partial<T>): Promise<void> {
    const sql = this.sqlOf(entity);
    const { properties, params } = sql.assigned(values, ['id']);
    await this.run(tx, sql.updateById(properties), [...params, id]);
  }

  /**
   * Queues a row to be inserted into `table` just before the transaction commits, in one multi-row
   * INSERT with the other rows queued for it (audit events: a change that records two events pays
   * for one statement). The rows commit or roll back with the transaction. They are not undone by
   * a savepoint rollback, so nothing queues rows inside a savepoint that may roll back.
   */
  appendAtCommit(tx: Tx, table: string, columns: string[], row: unknown[]): void {
    let pending = this.appended.get(tx);
    if (pending === undefined) this.appended.set(tx, (pending = new Map()));
    const forTable = pending.get(table);
    if (forTable === undefined) pending.set(table, { columns, rows: [row] });
    else forTable.rows.push(row);
  }

  private async writeAppended(tx: Tx): Promise<void> {
    const pending = this.appended.get(tx);
    if (pending === undefined) return;
    this.appended.delete(tx);
    for (const [table, { columns, rows }] of pending) await this.insertRows(tx, table, columns, rows);
  }

  /**
   * A hand-written write inside a transaction (`?` placeholders on both engines), for the paths
   * where building the statement through the ORM costs more than the statement.
   */
  async run(tx: Tx, sql: string, params: unknown[]): Promise<void> {
    if (this.kind === 'sqlite') await this.runInTransaction(tx, sql, params);
    else await tx.query(numberedPlaceholders(sql), params);
  }

  /**
   * A hand-written write with a RETURNING clause inside a transaction (`?` placeholders): the rows
   * it changed, for a change whose next step depends on what it found, without a read first.
   */
  async runReturning<T>(tx: Tx, sql: string, params: unknown[]): Promise<T[]> {
    if (this.kind === 'postgres') {
      // The structured result: TypeORM answers a plain DELETE … RETURNING as [rows, count].
      const result = (await tx.queryRunner!.query(numberedPlaceholders(sql), params, true)) as { records: T[] };
      return result.records;
    }
    await this.begun.get(tx);
    return this.selectInTransaction<T>(tx, sql, params);
  }

  /**
   * Inserts many rows with multi-row INSERT statements, chunked to stay within SQLite's limit on
   * bound parameters. `columns` are database column names; each row gives values in that order.
   */
  async insertRows(tx: Tx, table: string, columns: string[], rows: unknown[][]): Promise<void> {
    const perStatement = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / columns.length));
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`;
      await this.run(tx, sql, chunk.flat());
    }
  }

  /** Opens the connections and applies pending migrations. */
  async open(): Promise<void> {
    this.writer = new DataSource(dataSourceOptions(this.config, 'writer'));
    await this.writer.initialize();
    if (this.kind === 'sqlite') {
      await this.writer.query('PRAGMA synchronous = NORMAL');
      await this.writer.query(`PRAGMA cache_size = ${SQLITE_CACHE_KIB}`);
      await this.writer.query('PRAGMA foreign_keys = ON');
    }
    const applied = await this.migrate();
    if (applied.length > 0) this.logger.log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
    if (this.kind === 'sqlite' && this.config.sqlitePath !== ':memory:') {
      await this.writer.query('PRAGMA wal_autocheckpoint = 0');
      this.checkpointer = new WalCheckpointer(this.config.sqlitePath!);
      await this.checkpointer.open();
      this.readerSource = new DataSource(dataSourceOptions(this.config, 'reader'));
      await this.readerSource.initialize();
      await this.readerSource.query('PRAGMA query_only = ON');
      await this.readerSource.query(`PRAGMA cache_size = ${SQLITE_CACHE_KIB}`);
    } else {
      this.readerSource = this.writer;
    }
    if (this.kind === 'sqlite') {
      this.writerStatements = new PreparedStatements(sqliteConnection(this.writer), MAX_PREPARED);
      this.readerStatements = this.readerSource === this.writer ? this.writerStatements : new PreparedStatements(sqliteConnection(this.readerSource), MAX_PREPARED);
    }
  }

  /**
   * Runs `work` in one transaction: everything it writes, audit event included, commits together
   * or not at all. On SQLite, transactions take turns (one writer connection); on PostgreSQL a
   * serialization failure or deadlock is retried, since the whole body is safe to repeat.
   */
  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const body = async (tx: Tx) => {
      const result = await work(tx);
      await this.writeAppended(tx);
      return result;
    };
    if (this.kind === 'sqlite') {
      const result = await this.writeLock.run(() => this.sqliteTransaction(body));
      this.checkpointer?.noteCommit();
      return result;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writer.transaction(body);
      } catch (error) {
        if (attempt >= 3 || !RETRYABLE_PG_CODES.has(pgCode(error) ?? '')) throw error;
      }
    }
  }

  /**
   * A transaction on the SQLite writer, begun and committed through prepared statements: TypeORM's
   * own transaction prepares BEGIN and COMMIT anew each time, two extra trips through the thread
   * pool inside the writer's turn, which every other write waits for. The query runner is marked
   * as in a transaction, so ORM calls on `tx` (update, delete) join it rather than open their own.
   *
   * BEGIN is sent without waiting for it: the body's first reads (a transaction usually starts by
   * looking something up) travel with it, which saves one trip per transaction. node-sqlite3 runs
   * statements sent together in no fixed order, so every write, every ORM call and COMMIT wait for
   * BEGIN; a read may run just before it and sees what it would have seen just after, because this
   * process's write lock is held and one Roster process serves a SQLite file.
   */
  private async sqliteTransaction<T>(body: (tx: Tx) => Promise<T>): Promise<T> {
    const runner = this.writer.createQueryRunner();
    const tx = runner.manager;
    const state = runner as unknown as { isTransactionActive: boolean };
    const begin = this.runOnWriter(tx, 'BEGIN', []);
    // Its failure is reported to whatever waits for it next (a write, COMMIT), not as unhandled.
    begin.catch(() => undefined);
    this.begun.set(tx, begin);
    const query = runner.query.bind(runner);
    runner.query = (async (...args: Parameters<typeof query>) => {
      await begin;
      return query(...args);
    }) as typeof runner.query;
    state.isTransactionActive = true;
    try {
      const result = await body(tx);
      await this.runInTransaction(tx, 'COMMIT', []);
      return result;
    } catch (error) {
      // Nothing to undo if BEGIN failed; and SQLite may already have rolled back (a full disk, say).
      if (await begin.then(() => true, () => false)) await this.runOnWriter(tx, 'ROLLBACK', []).catch(() => undefined);
      throw error;
    } finally {
      state.isTransactionActive = false;
      this.begun.delete(tx);
      await runner.release();
    }
  }

  /**
   * Applies pending migrations. On PostgreSQL several Roster processes may start together against a
   * fresh database; a session-level advisory lock makes them take turns, so each migration runs once.
   */
  private async migrate() {
    if (this.kind !== 'postgres') return this.writer.runMigrations({ transaction: 'each' });
    const lock = this.writer.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      return await this.writer.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await lock.release();
    }
  }

  /** True when the database answers a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await this.reader.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.checkpointer?.close();
    if (this.readerStatements !== this.writerStatements) await this.readerStatements?.finalizeAll();
    // The writer's statements (in memory mode, the only ones) are finalized once no transaction can be using them.
    if (this.writer?.isInitialized) await this.writeLock.run(async () => this.writerStatements?.finalizeAll());
    if (this.readerSource && this.readerSource !== this.writer && this.readerSource.isInitialized) await this.readerSource.destroy();
    // Let an in-flight write transaction finish before the writer goes away.
    if (this.writer?.isInitialized) await this.writeLock.run(() => this.writer.destroy());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/** The node-sqlite3 connection under a SQLite DataSource (TypeORM keeps one per DataSource). */
function sqliteConnection(source: DataSource): sqlite3.Database {
  return (source.driver as unknown as { databaseConnection: sqlite3.Database }).databaseConnection;
}

const numbered = new Map<string, string>();
/**
 * Texts kept by numberedPlaceholders. The hot statements are constants; a text built from a
 * client's filter shape is converted but not kept once the cache is full, so no client can grow it.
 */
const MAX_NUMBERED = 1000;

/** `?` → `$1, $2, …` for PostgreSQL (cached per text: the hot statements are constants). */
function numberedPlaceholders(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    if (numbered.size < MAX_NUMBERED) numbered.set(sql, text);
  }
  return text;
}

function pgCode(error: unknown): string | undefined {
  const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string }) : undefined;
  return driverError?.code;
}

/** A unique-constraint violation on either engine: the caller lost a race and maps it to a 409. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; message?: string };
  if (driverError?.code === '23505') return true;
  return driverError?.code === 'SQLITE_CONSTRAINT' && /UNIQUE constraint failed/.test(driverError.message ?? '');
}

/**
 * Which unique index or column a violation hit (PostgreSQL names the constraint, SQLite names
 * the columns), so a caller can tell "the person exists" from "the derived username was taken".
 */
export function uniqueViolationTarget(error: unknown): string | undefined {
  if (!isUniqueViolation(error)) return undefined;
  const driverError = (error as QueryFailedError).driverError as { constraint?: string; message?: string };
  return driverError.constraint ?? driverError.message?.replace(/^.*UNIQUE constraint failed: /, '');
}
