import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ENTITIES, MIGRATIONS } from './entities.js';
import { PreparingClient } from './preparing-pg.js';
import { preparingSqlite3 } from './preparing-sqlite3.js';

/** The name of the read connection registered with TypeOrmModule (the writer is the default). */
export const READER = 'reader';

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
    return { ...common, type: 'postgres', url: config.databaseUrl, extra: { max: 10, Client: PreparingClient } };
  }
  const path = sqliteFile(config);
  mkdirSync(dirname(path), { recursive: true });
  return { ...common, type: 'sqlite', driver: preparingSqlite3, database: path, enableWAL: true, busyTimeout: 10_000 };
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
