import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { Mutex } from './mutex.js';

/** What a transaction body receives: the transaction's EntityManager. */
export type Tx = EntityManager;

/** Any constant shared by every Roster process; it names the migration lock. */
const MIGRATION_LOCK_KEY = 7_627_860_001;
const RETRYABLE_PG_CODES = new Set(['40001', '40P01']); // serialization failure, deadlock

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
    return em.query(this.kind === 'postgres' ? numberedPlaceholders(sql) : sql, params) as Promise<T[]>;
  }

  /** Opens the connections and applies pending migrations. */
  async open(): Promise<void> {
    this.writer = new DataSource(dataSourceOptions(this.config, 'writer'));
    await this.writer.initialize();
    if (this.kind === 'sqlite') {
      await this.writer.query('PRAGMA synchronous = NORMAL');
      await this.writer.query('PRAGMA foreign_keys = ON');
    }
    const applied = await this.migrate();
    if (applied.length > 0) this.logger.log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
    if (this.kind === 'sqlite' && this.config.sqlitePath !== ':memory:') {
      this.readerSource = new DataSource(dataSourceOptions(this.config, 'reader'));
      await this.readerSource.initialize();
      await this.readerSource.query('PRAGMA query_only = ON');
    } else {
      this.readerSource = this.writer;
    }
  }

  /**
   * Runs `work` in one transaction: everything it writes, audit event included, commits together
   * or not at all. On SQLite, transactions take turns (one writer connection); on PostgreSQL a
   * serialization failure or deadlock is retried, since the whole body is safe to repeat.
   */
  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.kind === 'sqlite') return this.writeLock.run(() => this.writer.transaction(work));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writer.transaction(work);
      } catch (error) {
        if (attempt >= 3 || !RETRYABLE_PG_CODES.has(pgCode(error) ?? '')) throw error;
      }
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
    if (this.readerSource && this.readerSource !== this.writer && this.readerSource.isInitialized) await this.readerSource.destroy();
    // Let an in-flight write transaction finish before the writer goes away.
    if (this.writer?.isInitialized) await this.writeLock.run(() => this.writer.destroy());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

const numbered = new Map<string, string>();

/** `?` → `$1, $2, …` for PostgreSQL (the statements passed here are constants, so cached). */
function numberedPlaceholders(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, text);
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
