import pg from 'pg';
import { DataSource } from 'typeorm';
import { PreparingClient, statementName } from './preparing-pg.js';

const url = process.env.TEST_DATABASE_URL?.startsWith('postgres') ? process.env.TEST_DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** The contract of PreparingClient: pg's answers, with parameterised statements prepared once per connection. */
describe('PreparingClient', () => {
  let client: pg.Client;
  let available = false;

  beforeAll(async () => {
    available = await reachable();
    if (!available) console.log(`preparing-pg: PostgreSQL at ${url} unreachable, the database cases are skipped`);
  });
  beforeEach(async () => {
    if (!available) return;
    client = new PreparingClient({ connectionString: url });
    await client.connect();
    await client.query('CREATE TEMP TABLE t (id serial PRIMARY KEY, name text UNIQUE)');
  });
  afterEach(async () => {
    if (available) await client.end();
  });

  const prepared = async () => Number((await client.query("SELECT COUNT(*) AS n FROM pg_prepared_statements WHERE name LIKE 'roster\\_%'")).rows[0].n);

  it('names a text the same way every time, and differently for another text', () => {
    expect(statementName('SELECT $1::int')).toBe(statementName('SELECT $1::int'));
    expect(statementName('SELECT $1::int')).not.toBe(statementName('SELECT $1::text'));
  });

  it('answers parameterised statements as pg does, preparing each text once per connection', async () => {
    if (!available) return;
    for (let i = 0; i < 10; i++) await client.query('INSERT INTO t (name) VALUES ($1)', [`n${i}`]);
    for (let i = 1; i <= 10; i++) expect((await client.query('SELECT name FROM t WHERE id = $1', [i])).rows).toEqual([{ name: `n${i - 1}` }]);
    const updated = await client.query('UPDATE t SET name = name || $1 WHERE id <= $2', ['!', 3]);
    expect(updated.rowCount).toBe(3);
    expect(await prepared()).toBe(3);
  });

  it('sends statements without parameters as they are, and reports errors as pg does', async () => {
    if (!available) return;
    await client.query('BEGIN');
    await client.query('INSERT INTO t (name) VALUES ($1)', ['taken']);
    await client.query('COMMIT');
    expect(await prepared()).toBe(1);
    await expect(client.query('INSERT INTO t (name) VALUES ($1)', ['taken'])).rejects.toMatchObject({ code: '23505' });
    await expect(client.query('SELEC $1', [1])).rejects.toMatchObject({ code: '42601' });
    // The statement that failed on a constraint stays usable.
    expect((await client.query('INSERT INTO t (name) VALUES ($1)', ['free'])).rowCount).toBe(1);
  });

  it("serves TypeORM's pool through pg-pool's Client option", async () => {
    if (!available) return;
    const source = await new DataSource({ type: 'postgres', url, extra: { max: 2, Client: PreparingClient } }).initialize();
    try {
      const rows = await source.transaction((m) => m.query('SELECT $1::int + 1 AS "n"', [41]));
      expect(rows).toEqual([{ n: 42 }]);
      const names = await source.query('SELECT COUNT(*) AS n FROM pg_prepared_statements WHERE statement = \'SELECT $1::int + 1 AS "n"\'');
      expect(names).toHaveLength(1);
    } finally {
      await source.destroy();
    }
  });
});
