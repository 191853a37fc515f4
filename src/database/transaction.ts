import type { DeepPartial, EntityManager, EntityTarget, FindManyOptions, FindOneOptions, FindOptionsWhere, ObjectLiteral, QueryResult } from 'typeorm';
import { createHash } from 'node:crypto';
import { numberedPlaceholders } from './placeholders.js';

export type EngineKind = 'sqlite' | 'postgres';

/** How Tx.lockRow holds a row: alone (`FOR UPDATE`) or beside other `share` holders (`FOR SHARE`). */
export type RowLockMode = 'update' | 'share';

/** SQLite before 3.32 allowed 999 bound parameters per statement; staying under it is safe everywhere. */
const MAX_BOUND_PARAMETERS = 990;

/** A statement was sent on a transaction that has already committed, failed or rolled back. */
export class TransactionClosedError extends Error {
  constructor() {
    super('This transaction has ended (committed, failed or rolled back); a statement sent on it now would run outside it');
    this.name = 'TransactionClosedError';
  }
}

/** A statement was sent while another statement of the same transaction was still running. */
export class OverlappingStatementError extends Error {
  constructor() {
    super('Statements of one transaction run one at a time: await each before sending the next (no Promise.all over a transaction)');
    this.name = 'OverlappingStatementError';
  }
}

/** What a write statement reports: rows changed, SQLite's rowid of an INSERT, and RETURNING rows (PostgreSQL). */
export interface WriteResult<T = Record<string, unknown>> {
  affected: number;
  insertId?: number;
  rows: T[];
}

/**
 * The handle a transaction body receives (database/README.md, "Transaction contract").
 *
 * It enforces two rules that comments alone did not hold:
 * - **one statement at a time.** A second statement sent while one is running is refused. On
 *   SQLite, statements sent together on one connection run in no fixed order, so one of them could
 *   run after COMMIT or ROLLBACK, outside the transaction; PostgreSQL's client queues them but pg@9
 *   drops that. A `Promise.all` over one handle therefore fails on its first overlap, in every test.
 * - **nothing after the end.** Once the body has finished or failed, the handle is closed before
 *   COMMIT or ROLLBACK is sent, after the statement in flight (if any) has answered; any later
 *   statement — a forgotten branch still running — throws instead of landing in autocommit.
 *
 * Bodies use TypeORM's own API through the guarded methods below, and `execute`/`select` for the
 * hand-written statements of hot paths (`?` placeholders on both engines).
 */
export class Tx {
  private closed = false;
  private inFlight: Promise<unknown> | null = null;
  /** Rows queued by insertAtCommit, per table and column list. */
  private readonly queued = new Map<string, { table: string; columns: string[]; rows: unknown[][] }>();
  /** Set at the first SAVEPOINT: from then on insertAtCommit inserts at once (see there). */
  private savepointSeen = false;
  /** Rows this transaction holds (lockRow), as `table#id`, and how: `FOR UPDATE` or `FOR SHARE`. */
  private readonly lockedRows = new Map<string, RowLockMode>();

  constructor(
    private readonly manager: EntityManager,
    readonly kind: EngineKind,
  ) {}

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Runs one statement (or one TypeORM call) on the transaction, under the two rules above. */
  private statement<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new TransactionClosedError());
    if (this.inFlight !== null) return Promise.reject(new OverlappingStatementError());
    let running: Promise<T>;
    try {
      running = work(this.manager);
    } catch (error) {
      return Promise.reject(error);
    }
    this.inFlight = running;
    const done = () => {
      if (this.inFlight === running) this.inFlight = null;
    };
    running.then(done, done);
    return running;
  }

  /** A hand-written read (`?` placeholders): its rows. */
  select<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.statement((m) => m.query(this.text(sql), params) as Promise<T[]>);
  }

  /** A hand-written write (`?` placeholders): rows changed, and RETURNING rows on PostgreSQL. */
  async execute<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<WriteResult<T>> {
    if (!this.savepointSeen && /^\s*SAVEPOINT\b/i.test(sql)) {
      // Rows queued so far belong before the savepoint: a ROLLBACK TO it must not take them away.
      for (const [text, values] of this.takeQueued()) await this.execute(text, values);
      this.savepointSeen = true;
    }
    // Locks taken after the savepoint are released by a ROLLBACK TO it: lockRow must take them anew.
    if (/^\s*ROLLBACK\s+TO\b/i.test(sql)) this.lockedRows.clear();
    return this.statement(() => this.send<T>(sql, params));
  }

  /** Sends one write, without the guard: for execute, and for the queued rows once the handle is closed. */
  private async send<T>(sql: string, params: unknown[]): Promise<WriteResult<T>> {
    const result = (await this.manager.queryRunner!.query(this.text(sql), params, true)) as QueryResult;
    const rows = Array.isArray(result.records) ? (result.records as T[]) : [];
    const insertId = this.kind === 'sqlite' && typeof result.raw === 'number' ? result.raw : undefined;
    return { affected: result.affected ?? 0, insertId, rows };
  }

  /**
   * Inserts many rows with multi-row INSERT statements, chunked to stay within SQLite's limit on
   * bound parameters. `columns` are database column names; each row gives values in that order.
   */
  async insertRows(table: string, columns: string[], rows: unknown[][]): Promise<void> {
    for (const [text, values] of multiRowInserts(table, columns, rows)) await this.execute(text, values);
  }

  /**
   * Queues a row to be inserted just before COMMIT, in one multi-row INSERT with the other rows
   * queued for its table (a change that records two audit events pays for one statement). The rows
   * commit or roll back with the transaction. Once the transaction has used a savepoint, rows are
   * inserted at once instead, so a ROLLBACK TO a savepoint undoes exactly what it should.
   */
  async insertAtCommit(table: string, columns: string[], row: unknown[]): Promise<void> {
    if (this.closed) throw new TransactionClosedError();
    if (this.savepointSeen) return this.insertRows(table, columns, [row]);
    const key = `${table}(${columns.join(',')})`;
    const queue = this.queued.get(key);
    if (queue === undefined) this.queued.set(key, { table, columns, rows: [row] });
    else queue.rows.push(row);
  }

  /** The INSERT statements of the queued rows, which leave the queue. */
  private takeQueued(): [string, unknown[]][] {
    const queues = [...this.queued.values()];
    this.queued.clear();
    return queues.flatMap(({ table, columns, rows }) => multiRowInserts(table, columns, rows));
  }

  /**
   * Locks one row until the transaction ends, so a rule that reads and then writes (the last
   * Owner of a group, a version check) sees no concurrent change: `SELECT … FOR UPDATE` on
   * PostgreSQL. SQLite needs nothing: its write transactions take turns and are serializable.
   * `share` (`FOR SHARE`) lets holders of the same row run side by side while keeping out every
   * `update` holder; asking for `update` while holding `share` upgrades the lock.
   */
  async lockRow(table: string, id: number, mode: RowLockMode = 'update'): Promise<void> {
    if (this.kind !== 'postgres') return;
    // The lock lasts until the transaction ends: taking it again (a reactivation locks the group,
    // then its group-sync recomputation does) would be one more round trip that changes nothing.
    const key = `${table}#${id}`;
    const held = this.lockedRows.get(key);
    if (held === 'update' || held === mode) return;
    await this.select(`SELECT 1 AS "one" FROM "${table}" WHERE "id" = ? ${mode === 'update' ? 'FOR UPDATE' : 'FOR SHARE'}`, [id]);
    this.lockedRows.set(key, mode);
  }

  /**
   * Locks `FOR UPDATE`, in id order, every row of `table` that belongs to a group, until the
   * transaction ends: a group's deletion takes the rows it will cascade to in the order other
   * transactions lock them (GroupsService.registerDeletionLock). Nothing on SQLite, as lockRow.
   */
  async lockGroupRows(table: string, groupId: number): Promise<void> {
    if (this.kind !== 'postgres') return;
    await this.select(`SELECT 1 AS "one" FROM "${table}" WHERE "group_id" = ? ORDER BY "id" FOR UPDATE`, [groupId]);
  }

  /**
   * Serializes transactions that decide something about one key which has no row yet (the person
   * a POST describes): a transaction-scoped advisory lock on PostgreSQL, nothing on SQLite.
   */
  async lockKey(namespace: string, key: string): Promise<void> {
    if (this.kind === 'postgres') await this.select('SELECT pg_advisory_xact_lock(?::bigint) AS "locked"', [advisoryKey(namespace, key)]);
  }

  find<E extends ObjectLiteral>(entity: EntityTarget<E>, options?: FindManyOptions<E>): Promise<E[]> {
    return this.statement((m) => m.find(entity, options));
  }

  findOne<E extends ObjectLiteral>(entity: EntityTarget<E>, options: FindOneOptions<E>): Promise<E | null> {
    return this.statement((m) => m.findOne(entity, options));
  }

  count<E extends ObjectLiteral>(entity: EntityTarget<E>, options?: FindManyOptions<E>): Promise<number> {
    return this.statement((m) => m.count(entity, options));
  }

  save<E extends ObjectLiteral>(entity: EntityTarget<E>, value: DeepPartial<E>): Promise<E> {
    return this.statement((m) => m.save(entity, value));
  }

  async insert<E extends ObjectLiteral>(entity: EntityTarget<E>, values: DeepPartial<E>): Promise<void> {
    await this.statement((m) => m.insert(entity, values as never));
  }

  async update<E extends ObjectLiteral>(entity: EntityTarget<E>, where: FindOptionsWhere<E>, values: Partial<E>): Promise<number> {
    return (await this.statement((m) => m.update(entity, where, values as never))).affected ?? 0;
  }

  async delete<E extends ObjectLiteral>(entity: EntityTarget<E>, where: FindOptionsWhere<E>): Promise<number> {
    return (await this.statement((m) => m.delete(entity, where))).affected ?? 0;
  }

  /**
   * Closes the handle: refuses every later statement, waits for the one in flight, and — when the
   * transaction is about to commit — sends the rows queued by insertAtCommit (otherwise drops them).
   * Called by Database.transaction before it sends COMMIT or ROLLBACK; safe to call twice.
   */
  async close(commit = false): Promise<void> {
    this.closed = true;
    await this.settled();
    // The queued rows go last, by the handle alone: nothing a forgotten branch sends can join them.
    const queued = this.takeQueued();
    if (commit) for (const [text, values] of queued) await this.send(text, values);
  }

  /** Waits until no statement of this transaction is running (whatever it answers). */
  private async settled(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight.catch(() => undefined);
  }

  private text(sql: string): string {
    return this.kind === 'postgres' ? numberedPlaceholders(sql) : sql;
  }
}

/**
 * A 64-bit advisory-lock key for (namespace, key), from SHA-256: any text (a client's externalId,
 * NUL bytes included) maps to a number, and unrelated keys share a lock with negligible odds.
 */
export function advisoryKey(namespace: string, key: string): string {
  return createHash('sha256').update(namespace).update('\u0000').update(key).digest().readBigInt64BE(0).toString();
}

/**
 * Multi-row INSERT statements for `rows` (values in `columns` order), chunked to stay within
 * SQLite's limit on bound parameters.
 */
function multiRowInserts(table: string, columns: string[], rows: unknown[][]): [string, unknown[]][] {
  const perStatement = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / columns.length));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const statements: [string, unknown[]][] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    statements.push([`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`, chunk.flat()]);
  }
  return statements;
}
