import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ENTITIES, MIGRATIONS } from './entities.js';

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
    database: path,
    enableWAL: path !== ':memory:',
    busyTimeout: 10_000,
    migrations: role === 'writer' ? MIGRATIONS : [],
  };
}
