import type { DataSource } from 'typeorm';
import { Database } from '../../src/database/database.service.js';
import type { TestApp } from './test-app.js';

export interface CapturedQuery {
  sql: string;
  params: unknown[];
  /** Rows the database handed back (filled in when the query completes). */
  rows?: number;
}

type QueryFunction = (...args: unknown[]) => Promise<unknown>;

/** Wraps `holder[name]` so each call is recorded with the rows it returned; returns the undo. */
function record(holder: Record<string, unknown>, name: string, queries: CapturedQuery[]): () => void {
  const original = holder[name] as QueryFunction;
  holder[name] = async function (this: unknown, ...args: unknown[]) {
    const captured: CapturedQuery = { sql: String(args[0]), params: Array.isArray(args[1]) ? [...(args[1] as unknown[])] : [] };
    queries.push(captured);
    const result = await original.apply(this, args);
    const records = Array.isArray(result) ? result : (result as { records?: unknown })?.records;
    if (Array.isArray(records)) captured.rows = records.length;
    return result;
  };
  return () => (holder[name] = original);
}

/**
 * Records every SQL statement the app's read connection runs, exactly as sent to the driver, so a
 * test can EXPLAIN the queries the real code path produced rather than a hand-written copy: the
 * query runner's statements (hand-written reads included: they go through it too).
 */
export function captureReaderSql(t: TestApp): { queries: CapturedQuery[]; stop: () => void } {
  const database = t.app.get(Database) as unknown as { readerSource: DataSource };
  const runner = database.readerSource.createQueryRunner();
  const proto = Object.getPrototypeOf(runner) as Record<string, unknown>;
  void runner.release();
  const queries: CapturedQuery[] = [];
  const undo = [record(proto, 'query', queries)];
  return { queries, stop: () => undo.forEach((u) => u()) };
}

/** One line per plan node: SQLite's `detail` column or PostgreSQL's `QUERY PLAN` text. */
export async function explain(t: TestApp, query: CapturedQuery, settings: string[] = []): Promise<string[]> {
  const db = t.app.get(Database);
  const writer = (
    db as unknown as { writer: { createQueryRunner(): { connect(): Promise<unknown>; query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>; release(): Promise<void> } } }
  ).writer;
  const runner = writer.createQueryRunner();
  await runner.connect();
  try {
    if (db.kind === 'sqlite') {
      const rows = await runner.query(`EXPLAIN QUERY PLAN ${query.sql}`, query.params);
      return rows.map((r) => String(r.detail));
    }
    for (const setting of settings) await runner.query(setting);
    const rows = await runner.query(`EXPLAIN ${query.sql}`, query.params);
    for (const setting of settings) await runner.query(`RESET ${setting.replace(/^SET\s+(\w+).*$/i, '$1')}`);
    return rows.map((r) => String(r['QUERY PLAN']));
  } finally {
    await runner.release();
  }
}
