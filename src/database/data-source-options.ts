import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ENTITIES, MIGRATIONS } from './entities.js';

/**
 * node-sqlite3 as TypeORM loads it, minus the switch to verbose mode: TypeORM calls `verbose()`,
 * which wraps every Database and Statement call to capture a stack trace and util.inspect() its
 * arguments, SQL text included — a large share of each query's CPU, spent only to lengthen stack
 * traces of failed queries (QueryFailedError names the query anyway).
 */
const quietSqlite3 = Object.assign(Object.create(sqlite3) as typeof sqlite3, { verbose: () => sqlite3 });

/**
 * Options for the writer connection (and, on a SQLite file, a second read-only connection:
 * with WAL, readers see only committed data and never wait for the writer).
 */
export function dataSourceOptions(config: Pick<AppConfig, 'databaseKind' | 'databaseUrl' | 'sqlitePath'>, role: 'writer' | 'reader' = 'writer'): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, logging: false } as const;
  if (config.databaseKind === 'postgres') {
    return { ...common, type: 'postgres', url: config.databaseUrl, extra: { max: 10 } };
  }
  const path = config.sqlitePath ?? ':memory:';
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return {
    ...common,
    type: 'sqlite',
    driver: quietSqlite3,
    database: path,
    enableWAL: path !== ':memory:',
    busyTimeout: 10_000,
    migrations: role === 'writer' ? MIGRATIONS : [],
  };
}
