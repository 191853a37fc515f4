import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { isTemporarySqlite, sqliteFile } from './data-source-options.js';
import { EntitySql } from './entity-sql.js';
import { MIGRATIONS } from './entities.js';
import { inKeyOrder } from './key-order.js';
import { Mutex } from './mutex.js';
import { numberedPlaceholders } from './placeholders.js';
import { Tx } from './transaction.js';
import { NO_OBSERVER } from './transaction-observer.js';
import type { TransactionObserver } from './transaction-observer.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export { Tx } from './transaction.js';
export type { RowLockMode } from './transaction.js';

const RETRYABLE_PG_CODES = new Set(['40001', '40P01']); // serialization failure, deadlock
/** Attempts of a PostgreSQL transaction that lost to a deadlock (its whole body is safe to repeat). */
const MAX_ATTEMPTS = 3;

/**
 * The database (README.md beside this file): transactions on the writer, plain reads on the
 * reader, and the small typed helpers hot paths use (entity SQL from TypeORM's metadata). On
 * SQLite both connections reuse prepared statements (preparing-sqlite3.ts).
 */
@Injectable()
export class Database implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private readonly writeLock = new Mutex();
  /** SQLite: takes the WAL checkpoints the writer would otherwise take inside a commit. */
  private checkpointer?: WalCheckpointer;
  private readonly entitySql = new Map<new () => unknown, EntitySql<unknown>>();
  private readonly inFlight = new Map<string, Promise<Record<string, unknown>[]>>();
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: DataSource,
    private readonly readerSource: DataSource,
    private readonly observer: TransactionObserver = NO_OBSERVER,
  ) {}

  get kind(): 'sqlite' | 'postgres' {
    return this.config.databaseKind;
  }

  /** Opens the SQLite checkpointer (the DataSources come from TypeOrmModule). */
  async open(): Promise<void> {
    if (this.kind !== 'sqlite') return;
    this.checkpointer = new WalCheckpointer(sqliteFile(this.config));
    await this.checkpointer.open();
  }

  /**
   * A hand-written SELECT (`?` placeholders on both engines, values only as parameters; column
   * aliases give the entity's property names): inside `tx` when given, else on the reader.
   */
  select<T>(sql: string, params: unknown[], tx?: Tx): Promise<T[]> {
    if (tx !== undefined) return tx.select<T>(sql, params);
    return this.readerSource.query(this.kind === 'postgres' ? numberedPlaceholders(sql) : sql, params) as Promise<T[]>;
  }

  /**
   * `column IN <ids>` as one bound parameter: the ids travel as a JSON text on SQLite (json_each)
   * and as an array on PostgreSQL, so each list length is not a statement text of its own and
   * SQLite's 999-parameter cap never applies.
   */
  inIds(column: string, ids: number[]): { sql: string; values: unknown[] } {
    return this.kind === 'postgres' ? { sql: `${column} = ANY(?::int[])`, values: [ids] } : { sql: `${column} IN (SELECT "value" FROM json_each(?))`, values: [JSON.stringify(ids)] };
  }

  /**
   * Rows as arrays of the `columns` expressions, aggregated to one JSON text by the database and
   * parsed once (node-sqlite3 builds row objects property by property on the event loop). `from`
   * is the rest of the query (`FROM … WHERE …`, `?` placeholders); `key` is an integer expression
   * the rows come back in ascending order of. SQLite gives booleans as 0/1.
   */
  async selectArrays(columns: string[], from: string, key: string, params: unknown[]): Promise<unknown[][]> {
    // The key travels as the last element instead of an ORDER BY inside the aggregate, which makes
    // SQLite sort rows its index scan already delivers in order.
    const list = [...columns, key].join(', ');
    const sql = this.kind === 'postgres' ? `SELECT COALESCE(json_agg(json_build_array(${list})), '[]')::text AS "rows" ${from}` : `SELECT json_group_array(json_array(${list})) AS "rows" ${from}`;
    const [row] = await this.select<{ rows: string }>(sql, params);
    return inKeyOrder(JSON.parse(row.rows) as unknown[][]);
  }

  /**
   * Entities by a hand-written condition (`?` placeholders, unqualified column names): the SELECT
   * list comes from the entity's metadata and rows are turned back into the entity's types.
   */
  async findWhere<T>(entity: new () => T, where: string, params: unknown[], tx?: Tx): Promise<T[]> {
    const shape = this.sqlOf(entity);
    const rows = await this.select<Record<string, unknown>>(`${shape.select} WHERE ${where}`, params, tx);
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

  /** Inserts one entity row with an INSERT built from its metadata (cached per set of columns); its id. */
  async insertEntity<T>(tx: Tx, entity: new () => T, values: Partial<T>): Promise<number> {
    return (await this.insertEntityUnlessTaken(tx, entity, values, false))!;
  }

  /**
   * insertEntity that skips a row some unique index already holds (ON CONFLICT DO NOTHING) and
   * answers null for it, instead of failing the statement (which would abort a PostgreSQL transaction).
   */
  insertEntityIfFree<T>(tx: Tx, entity: new () => T, values: Partial<T>): Promise<number | null> {
    return this.insertEntityUnlessTaken(tx, entity, values, true);
  }

  private async insertEntityUnlessTaken<T>(tx: Tx, entity: new () => T, values: Partial<T>, skipTaken: boolean): Promise<number | null> {
    const sql = this.sqlOf(entity);
    const { properties, params } = sql.assigned(values);
    const text = sql.insert(properties, skipTaken);
    if (this.kind === 'postgres') {
      const { rows } = await tx.execute<{ id: number | string }>(`${text} RETURNING "id"`, params);
      return rows.length > 0 ? Number(rows[0].id) : null;
    }
    // SQLite's last rowid is stale when nothing was inserted; `affected` says whether a row went in.
    const { affected, insertId } = await tx.execute(text, params);
    return affected === 0 ? null : insertId!;
  }

  /** `UPDATE … SET <values> WHERE "id" = ?` from the entity's metadata; the number of rows changed. */
  async updateById<T>(tx: Tx, entity: new () => T, id: number, values: Partial<T>): Promise<number> {
    const sql = this.sqlOf(entity);
    const { properties, params } = sql.assigned(values, ['id']);
    return (await tx.execute(sql.updateById(properties), [...params, id])).affected;
  }

  /**
   * Compare-and-set: `UPDATE … SET <values> WHERE "id" = ? AND "version" = ?`. Answers whether the
   * row still had `version` (and so was changed); false means someone else changed it first.
   */
  async updateIfVersion<T extends { version: number }>(tx: Tx, entity: new () => T, id: number, version: number, values: Partial<T>): Promise<boolean> {
    const sql = this.sqlOf(entity);
    const { properties, params } = sql.assigned(values, ['id']);
    return (await tx.execute(sql.updateByIdIfVersion(properties), [...params, id, version])).affected === 1;
  }

  /**
   * Queues an entity row for the multi-row INSERT the transaction sends just before COMMIT
   * (Tx.insertAtCommit): for rows nothing reads back inside the transaction, such as audit events.
   */
  insertAtCommit<T>(tx: Tx, entity: new () => T, values: Partial<T>): Promise<void> {
    const sql = this.sqlOf(entity);
    const { properties, params } = sql.assigned(values);
    return tx.insertAtCommit(sql.tableName, sql.columns(properties), params);
  }

  /**
   * Runs `work` in one transaction (README.md, "Transaction contract"): everything it writes, audit
   * event included, commits together or not at all, and its handle refuses statements once it has
   * ended. On SQLite, transactions take turns on the one writer connection; on PostgreSQL they run
   * at READ COMMITTED with explicit row locks where a rule reads then writes, and one that loses a
   * deadlock is run again (the whole body is safe to repeat).
   */
  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.closing) throw new Error('Roster is shutting down: no new transactions');
    try {
      if (this.kind === 'sqlite') {
        const result = await this.writeLock.run(() => this.runTransaction(work));
        this.checkpointer?.noteCommit();
        return result;
      }
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.runTransaction(work);
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS || !RETRYABLE_PG_CODES.has(pgCode(error) ?? '')) throw error;
          this.observer.transactionRetried();
        }
      }
    } catch (error) {
      throw this.deletedMeanwhile(error) ?? error;
    }
  }

  /**
   * A write that names a row deleted since the request looked it up — a group deleted while its IdP
   * provisions into it, a person removed while being added somewhere — fails on a foreign key.
   * Nothing committed, and the client is told what happened (404 on its API surface) instead of
   * getting a server error. Logged, with the constraint, in case it ever comes from a bug instead.
   */
  private deletedMeanwhile(error: unknown): DomainError | undefined {
    if (!isForeignKeyViolation(error)) return undefined;
    const driverError = (error as QueryFailedError).driverError as { constraint?: string; message?: string };
    this.logger.warn(`a write named a row deleted meanwhile (${driverError.constraint ?? driverError.message ?? 'foreign key'}); answered 404`);
    return new DomainError('not_found', 'What this request refers to (its group, or a person) was deleted while it ran; nothing was changed');
  }

  private async runTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const runner = this.writer.createQueryRunner();
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      await runner.connect();
      await runner.startTransaction();
      const tx = new Tx(runner.manager, this.kind);
      try {
        const result = await work(tx);
        await tx.close(true);
        await runner.commitTransaction();
        this.observer.transactionEnded(seconds(), true);
        return result;
      } catch (error) {
        this.observer.transactionEnded(seconds(), false);
        await tx.close();
        // A failed COMMIT may already have ended the transaction (SQLite on a full disk, say): then
        // there is nothing to roll back, and TypeORM says so, which changes nothing.
        await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * One statement that is a whole transaction by itself, on a PostgreSQL writer connection of its
   * own (autocommit): for a write whose one statement does everything (the shared rate buckets).
   * Not on SQLite, whose one writer connection may be inside another request's transaction.
   */
  async statement<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
    if (this.kind !== 'postgres') throw new Error('Database.statement is for PostgreSQL; SQLite writes go through transaction()');
    const runner = this.writer.createQueryRunner();
    try {
      // The structured result: a plain query() answers UPDATE … RETURNING as [rows, rowCount].
      return (await runner.query(numberedPlaceholders(sql), params, true)).records as T[];
    } finally {
      await runner.release();
    }
  }

  /**
   * Migrations this build has that the database has not recorded as applied (read on the reader:
   * the SQLite writer's one connection may be inside a transaction). Another process of a newer
   * or older build may share the database, so readiness checks this rather than assuming it.
   */
  async pendingMigrations(): Promise<string[]> {
    const rows = await this.readerSource.query('SELECT "name" FROM "migrations"');
    const applied = new Set((rows as { name: string }[]).map((r) => r.name));
    return MIGRATIONS.map((m) => new m().name ?? m.name).filter((name) => !applied.has(name));
  }

  /** True when the database answers a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await this.readerSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Runs once the HTTP server has finished its in-flight requests (Nest closes it between the
   * before-shutdown and shutdown hooks): refuses new transactions, waits for one still running
   * (a background flush), then closes Roster's own connections. TypeOrmModule closes the DataSources.
   */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.kind === 'sqlite') await this.writeLock.run(async () => undefined);
    await this.checkpointer?.close();
    if (isTemporarySqlite(this.config)) {
      for (const source of [this.readerSource, this.writer]) if (source.isInitialized) await source.destroy();
      rmSync(dirname(sqliteFile(this.config)), { recursive: true, force: true });
    }
  }
}

function pgCode(error: unknown): string | undefined {
  const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string }) : undefined;
  return driverError?.code;
}

/** A write referred to a row that does not exist (any more): PostgreSQL 23503, SQLite's FOREIGN KEY constraint. */
export function isForeignKeyViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; message?: string };
  if (driverError?.code === '23503') return true;
  return driverError?.code === 'SQLITE_CONSTRAINT' && /FOREIGN KEY constraint failed/.test(driverError.message ?? '');
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
