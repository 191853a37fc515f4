import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sqlite3 from 'sqlite3';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ENTITIES, MIGRATIONS } from './entities.js';

/** The name of the read connection registered with TypeOrmModule (the writer is the default). */
export const READER = 'reader';

/**
 * node-sqlite3 as TypeORM loads it, minus the switch to verbose mode: TypeORM calls `verbose()`,
 * which wraps every Database and Statement call of the process to capture a stack trace and
 * util.inspect() its arguments — a large share of each query's CPU, spent only to lengthen stack
 * traces of failed queries (QueryFailedError names the query anyway). `driver` is TypeORM's
 * documented option for supplying the sqlite3 module.
 */
const quietSqlite3 = Object.assign(Object.create(sqlite3) as typeof sqlite3, { verbose: () => sqlite3 });

type DatabaseConfig = Pick<AppConfig, 'databaseKind' | 'databaseUrl' | 'sqlitePath'>;

/**
 * Options of the two connections Roster keeps: the writer (default; migrations run on it, every
 * transaction runs on it) and the reader (plain reads outside transactions). On a SQLite file the
 * reader is a second, read-only connection: with WAL it sees only committed data and never waits
 * for the writer. On PostgreSQL each is a pool.
 */
export function dataSourceOptions(config: DatabaseConfig, role: 'writer' | 'reader' = 'writer'): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: role === 'writer' ? MIGRATIONS : [], synchronize: false, logging: false, migrationsRun: false } as const;
  if (config.databaseKind === 'postgres') {
    return { ...common, type: 'postgres', url: config.databaseUrl, extra: { max: 10 } };
  }
  const path = sqliteFile(config);
  mkdirSync(dirname(path), { recursive: true });
  return { ...common, type: 'sqlite', driver: quietSqlite3, database: path, enableWAL: true, busyTimeout: 10_000 };
}

const temporaryFiles = new WeakMap<DatabaseConfig, string>();

/**
 * The SQLite file. `sqlite::memory:` gets a fresh file in a temporary folder, one per
 * configuration, removed when Roster stops (isTemporarySqlite): an in-memory database cannot be
 * shared by the writer and the read connections, and one code path for both keeps them alike.
 */
export function sqliteFile(config: DatabaseConfig): string {
  if (!config.sqlitePath) throw new Error('a SQLite database needs a file path');
  if (config.sqlitePath !== ':memory:') return config.sqlitePath;
  let file = temporaryFiles.get(config);
  if (file === undefined) {
    file = join(mkdtempSync(join(tmpdir(), 'roster-memory-')), 'roster.sqlite');
    temporaryFiles.set(config, file);
  }
  return file;
}

export function isTemporarySqlite(config: DatabaseConfig): boolean {
  return config.databaseKind === 'sqlite' && config.sqlitePath === ':memory:';
}
