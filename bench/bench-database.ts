import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A fresh, empty database for one benchmark run, removed afterwards. */
export interface BenchDatabase {
  kind: 'sqlite' | 'postgres';
  /** The DATABASE_URL the server gets. */
  url: string;
  /** The SQLite file, for the bulk seeder. */
  sqlitePath?: string;
  drop(): Promise<void>;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return /^postgres(ql)?:\/\//.test(url ?? '');
}

/** A temporary SQLite file, or — given a postgres:// URL — a new database on that server. */
export async function createBenchDatabase(postgresUrl: string | undefined, label: string): Promise<BenchDatabase> {
  if (isPostgresUrl(postgresUrl)) {
    const name = `roster_bench_${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await adminQuery(postgresUrl, `CREATE DATABASE "${name}"`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    return {
      kind: 'postgres',
      url: url.toString(),
      drop: () => adminQuery(postgresUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'roster-bench-'));
  const sqlitePath = join(dir, 'roster.sqlite');
  return {
    kind: 'sqlite',
    url: `sqlite:${sqlitePath}`,
    sqlitePath,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
